/*
 * powercut.c: an LD_PRELOAD shim for the power-loss test (PowerLoss/PowerCut.cs compiles it with gcc).
 *
 * It records, in order, every change a process makes under one directory (STRATA_POWERCUT_DIR) and every fsync,
 * to a log file (STRATA_POWERCUT_LOG), as dm-log-writes does for a block device. Nothing is changed: the
 * process runs on the real files. After the process is killed, PowerCutLog.cs replays the log and keeps only what
 * an fsync made durable (file contents by fsync of the file, directory entries by fsync of the directory), which
 * is what a disk that loses its volatile cache at a power cut keeps under POSIX's rules.
 *
 * Intercepted: open/open64/openat/openat64, write, pwrite/pwrite64, writev, pwritev/pwritev64, ftruncate(64),
 * fallocate(64), posix_fallocate(64), fsync, fdatasync, close, rename, unlink, unlinkat, mkdir, rmdir, link.
 * sendfile, copy_file_range and writable shared mmaps of files under the directory (other than SQLite's -shm,
 * which SQLite rebuilds from the WAL) are logged as unsupported, so the replay refuses the run instead of missing
 * writes. Calls made inside libc itself, io_uring and dup'ed descriptors are not seen.
 *
 * Record: u32 op, u32 len1, u32 len2, u32 flags, u64 ino, u64 offset, u64 length; then path1, path2, and for
 * OP_WRITE `length` bytes of data. One writev per record, under one mutex that also covers the operation itself,
 * so the log's order is the order in which the operations took effect.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum { OP_OPEN = 1, OP_WRITE, OP_TRUNC, OP_EXTEND, OP_SYNC, OP_DIRSYNC, OP_RENAME, OP_UNLINK, OP_MKDIR, OP_RMDIR, OP_LINK, OP_UNSUPPORTED };
enum { FLAG_CREATED = 1, FLAG_TRUNCATED = 2 };

struct record { uint32_t op, len1, len2, flags; uint64_t ino, offset, length; };

#define MAXFD (1 << 20)
static unsigned char kind[MAXFD];      /* 0: not ours, 1: file, 2: directory */
static uint64_t inos[MAXFD];
static char *paths[MAXFD];             /* relative to the root; "" is the root itself */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char root[PATH_MAX];
static size_t rootlen;
static int logfd = -1;

#define REAL(name) static __typeof__(name) *real_##name; if (!real_##name) real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

static void log_record(uint32_t op, uint32_t flags, uint64_t ino, uint64_t offset, uint64_t length, const char *p1, const char *p2,
                       const struct iovec *data, int datacount)
{
    REAL(writev);
    struct record r = { op, p1 ? (uint32_t)strlen(p1) : 0, p2 ? (uint32_t)strlen(p2) : 0, flags, ino, offset, length };
    struct iovec v[3 + 64];
    int n = 0;
    v[n].iov_base = &r; v[n++].iov_len = sizeof r;
    if (r.len1) { v[n].iov_base = (void *)p1; v[n++].iov_len = r.len1; }
    if (r.len2) { v[n].iov_base = (void *)p2; v[n++].iov_len = r.len2; }
    for (int i = 0; i < datacount && n < (int)(sizeof v / sizeof v[0]); i++) v[n++] = data[i];
    size_t total = 0;
    for (int i = 0; i < n; i++) total += v[i].iov_len;
    /* The log is written whole or the replay sees a torn last record, which it ignores. */
    ssize_t done = 0;
    int first = 0;
    while ((size_t)done < total && first < n) {
        ssize_t w = real_writev(logfd, v + first, n - first);
        if (w <= 0) { if (w < 0 && errno == EINTR) continue; abort(); }
        done += w;
        while (first < n && (size_t)w >= v[first].iov_len) { w -= v[first].iov_len; first++; }
        if (first < n) { v[first].iov_base = (char *)v[first].iov_base + w; v[first].iov_len -= w; }
    }
}

__attribute__((constructor)) static void start(void)
{
    const char *dir = getenv("STRATA_POWERCUT_DIR"), *log = getenv("STRATA_POWERCUT_LOG");
    if (!dir || !log) return;
    REAL(open);
    logfd = real_open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (logfd < 0) abort();
    strncpy(root, dir, sizeof root - 1);
    rootlen = strlen(root);
    while (rootlen > 1 && root[rootlen - 1] == '/') root[--rootlen] = 0;
}

/* Lexically normalised absolute path; 1 and the part below the root in out when it is under the root. */
static int under_root(int dirfd, const char *path, char *out)
{
    if (logfd < 0 || !path) return 0;
    char full[PATH_MAX * 2];
    if (path[0] == '/') snprintf(full, sizeof full, "%s", path);
    else {
        char base[PATH_MAX];
        if (dirfd == AT_FDCWD) { if (!getcwd(base, sizeof base)) return 0; }
        else {
            char link[64];
            snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
            ssize_t n = readlink(link, base, sizeof base - 1);
            if (n < 0) return 0;
            base[n] = 0;
        }
        snprintf(full, sizeof full, "%s/%s", base, path);
    }
    char norm[PATH_MAX * 2];
    size_t len = 0;
    for (const char *p = full; *p;) {
        while (*p == '/') p++;
        const char *end = p;
        while (*end && *end != '/') end++;
        size_t seg = (size_t)(end - p);
        if (seg == 0) break;
        if (seg == 1 && p[0] == '.') { p = end; continue; }
        if (seg == 2 && p[0] == '.' && p[1] == '.') { while (len > 0 && norm[--len] != '/') {} p = end; continue; }
        norm[len++] = '/';
        memcpy(norm + len, p, seg);
        len += seg;
        p = end;
    }
    norm[len] = 0;
    if (len == 0) { norm[0] = '/'; norm[1] = 0; len = 1; }
    if (strncmp(norm, root, rootlen) != 0 || (norm[rootlen] != 0 && norm[rootlen] != '/')) return 0;
    snprintf(out, PATH_MAX, "%s", norm[rootlen] == '/' ? norm + rootlen + 1 : "");
    return 1;
}

static int track_open(int fd, const char *rel, int existed, int flags)
{
    struct stat st;
    if (fd < 0 || fd >= MAXFD || fstat(fd, &st) != 0) return fd;
    kind[fd] = S_ISDIR(st.st_mode) ? 2 : 1;
    inos[fd] = (uint64_t)st.st_ino;
    free(paths[fd]);
    paths[fd] = strdup(rel);
    if (kind[fd] == 1) {
        uint32_t f = (!existed ? FLAG_CREATED : 0) | ((existed && (flags & O_TRUNC)) ? FLAG_TRUNCATED : 0);
        log_record(OP_OPEN, f, inos[fd], 0, 0, rel, NULL, NULL, 0);
    }
    return fd;
}

static int opened(int dirfd, const char *path, int flags, mode_t mode, int (*call)(int, const char *, int, mode_t))
{
    char rel[PATH_MAX];
    if (!under_root(dirfd, path, rel)) return call(dirfd, path, flags, mode);
    pthread_mutex_lock(&mu);
    struct stat st;
    int existed = fstatat(dirfd, path, &st, 0) == 0;
    int fd = call(dirfd, path, flags, mode);
    int saved = errno;
    track_open(fd, rel, existed, flags);
    pthread_mutex_unlock(&mu);
    errno = saved;
    return fd;
}

static int call_open(int dirfd, const char *path, int flags, mode_t mode) { (void)dirfd; REAL(open); return real_open(path, flags, mode); }
static int call_open64(int dirfd, const char *path, int flags, mode_t mode) { (void)dirfd; REAL(open64); return real_open64(path, flags, mode); }
static int call_openat(int dirfd, const char *path, int flags, mode_t mode) { REAL(openat); return real_openat(dirfd, path, flags, mode); }
static int call_openat64(int dirfd, const char *path, int flags, mode_t mode) { REAL(openat64); return real_openat64(dirfd, path, flags, mode); }

#define MODE_ARG(flags) mode_t mode = 0; if ((flags) & (O_CREAT | __O_TMPFILE)) { va_list a; va_start(a, flags); mode = va_arg(a, mode_t); va_end(a); }
int open(const char *path, int flags, ...) { MODE_ARG(flags); return opened(AT_FDCWD, path, flags, mode, call_open); }
int open64(const char *path, int flags, ...) { MODE_ARG(flags); return opened(AT_FDCWD, path, flags, mode, call_open64); }
int openat(int dirfd, const char *path, int flags, ...) { MODE_ARG(flags); return opened(dirfd, path, flags, mode, call_openat); }
int openat64(int dirfd, const char *path, int flags, ...) { MODE_ARG(flags); return opened(dirfd, path, flags, mode, call_openat64); }

static int ours(int fd) { return fd >= 0 && fd < MAXFD && kind[fd] == 1; }

static void log_data(int fd, uint64_t offset, const struct iovec *iov, int count, ssize_t written)
{
    /* Only what the call wrote, iovec by iovec. */
    struct iovec cut[64];
    int n = 0;
    ssize_t left = written;
    uint64_t at = offset;
    for (int i = 0; i < count && left > 0; i++) {
        size_t take = iov[i].iov_len < (size_t)left ? iov[i].iov_len : (size_t)left;
        cut[n].iov_base = iov[i].iov_base;
        cut[n++].iov_len = take;
        left -= (ssize_t)take;
        if (n == 64 || left == 0 || i == count - 1) {
            uint64_t length = 0;
            for (int j = 0; j < n; j++) length += cut[j].iov_len;
            log_record(OP_WRITE, 0, inos[fd], at, length, paths[fd], NULL, cut, n);
            at += length;
            n = 0;
        }
    }
}

static ssize_t append_offset_write(int fd, const struct iovec *iov, int count, ssize_t (*call)(int, const struct iovec *, int))
{
    pthread_mutex_lock(&mu);
    off_t offset = lseek(fd, 0, SEEK_CUR);
    if (fcntl(fd, F_GETFL) & O_APPEND) { struct stat st; fstat(fd, &st); offset = st.st_size; }
    ssize_t w = call(fd, iov, count);
    int saved = errno;
    if (w > 0) log_data(fd, (uint64_t)offset, iov, count, w);
    pthread_mutex_unlock(&mu);
    errno = saved;
    return w;
}

static ssize_t call_writev(int fd, const struct iovec *iov, int count) { REAL(writev); return real_writev(fd, iov, count); }
static ssize_t call_write1(int fd, const struct iovec *iov, int count) { (void)count; REAL(write); return real_write(fd, iov[0].iov_base, iov[0].iov_len); }

ssize_t write(int fd, const void *buf, size_t n)
{
    if (!ours(fd)) { REAL(write); return real_write(fd, buf, n); }
    struct iovec v = { (void *)buf, n };
    return append_offset_write(fd, &v, 1, call_write1);
}

ssize_t writev(int fd, const struct iovec *iov, int count)
{
    if (!ours(fd)) return call_writev(fd, iov, count);
    return append_offset_write(fd, iov, count, call_writev);
}

#define PWRITE(name, offtype) \
ssize_t name(int fd, const void *buf, size_t n, offtype offset) \
{ \
    REAL(name); \
    if (!ours(fd)) return real_##name(fd, buf, n, offset); \
    pthread_mutex_lock(&mu); \
    ssize_t w = real_##name(fd, buf, n, offset); \
    int saved = errno; \
    struct iovec v = { (void *)buf, n }; \
    if (w > 0) log_data(fd, (uint64_t)offset, &v, 1, w); \
    pthread_mutex_unlock(&mu); \
    errno = saved; \
    return w; \
}
PWRITE(pwrite, off_t)
PWRITE(pwrite64, off64_t)

#define PWRITEV(name, offtype) \
ssize_t name(int fd, const struct iovec *iov, int count, offtype offset) \
{ \
    REAL(name); \
    if (!ours(fd)) return real_##name(fd, iov, count, offset); \
    pthread_mutex_lock(&mu); \
    ssize_t w = real_##name(fd, iov, count, offset); \
    int saved = errno; \
    if (w > 0) log_data(fd, (uint64_t)offset, iov, count, w); \
    pthread_mutex_unlock(&mu); \
    errno = saved; \
    return w; \
}
PWRITEV(pwritev, off_t)
PWRITEV(pwritev64, off64_t)

#define FTRUNCATE(name, offtype) \
int name(int fd, offtype length) \
{ \
    REAL(name); \
    if (!ours(fd)) return real_##name(fd, length); \
    pthread_mutex_lock(&mu); \
    int r = real_##name(fd, length); \
    int saved = errno; \
    if (r == 0) log_record(OP_TRUNC, 0, inos[fd], 0, (uint64_t)length, paths[fd], NULL, NULL, 0); \
    pthread_mutex_unlock(&mu); \
    errno = saved; \
    return r; \
}
FTRUNCATE(ftruncate, off_t)
FTRUNCATE(ftruncate64, off64_t)

#define FALLOCATE(name, offtype) \
int name(int fd, int mode, offtype offset, offtype length) \
{ \
    REAL(name); \
    if (!ours(fd)) return real_##name(fd, mode, offset, length); \
    pthread_mutex_lock(&mu); \
    int r = real_##name(fd, mode, offset, length); \
    int saved = errno; \
    if (r == 0 && mode == 0) log_record(OP_EXTEND, 0, inos[fd], 0, (uint64_t)(offset + length), paths[fd], NULL, NULL, 0); \
    else if (r == 0 && mode != 1 /* FALLOC_FL_KEEP_SIZE changes nothing visible */) log_record(OP_UNSUPPORTED, 0, inos[fd], 0, 0, paths[fd], "fallocate mode", NULL, 0); \
    pthread_mutex_unlock(&mu); \
    errno = saved; \
    return r; \
}
FALLOCATE(fallocate, off_t)
FALLOCATE(fallocate64, off64_t)

#define POSIX_FALLOCATE(name, offtype) \
int name(int fd, offtype offset, offtype length) \
{ \
    REAL(name); \
    if (!ours(fd)) return real_##name(fd, offset, length); \
    pthread_mutex_lock(&mu); \
    int r = real_##name(fd, offset, length); \
    if (r == 0) log_record(OP_EXTEND, 0, inos[fd], 0, (uint64_t)(offset + length), paths[fd], NULL, NULL, 0); \
    pthread_mutex_unlock(&mu); \
    return r; \
}
POSIX_FALLOCATE(posix_fallocate, off_t)
POSIX_FALLOCATE(posix_fallocate64, off64_t)

/* The operation is held under the mutex until it returns, so a sync is logged only once it is done. */
static int synced(int fd, int (*call)(int))
{
    if (fd < 0 || fd >= MAXFD || kind[fd] == 0) return call(fd);
    pthread_mutex_lock(&mu);
    int r = call(fd);
    int saved = errno;
    if (r == 0 && getenv("STRATA_POWERCUT_IGNORE_DIRSYNC") && kind[fd] == 2) {
        /* The test's control: forget directory fsyncs, and new files' entries are lost. */
    } else if (r == 0) {
        log_record(kind[fd] == 2 ? OP_DIRSYNC : OP_SYNC, 0, inos[fd], 0, 0, paths[fd], NULL, NULL, 0);
    }
    pthread_mutex_unlock(&mu);
    errno = saved;
    return r;
}

static int call_fsync(int fd) { REAL(fsync); return real_fsync(fd); }
static int call_fdatasync(int fd) { REAL(fdatasync); return real_fdatasync(fd); }
int fsync(int fd) { return synced(fd, call_fsync); }
int fdatasync(int fd) { return synced(fd, call_fdatasync); }

int close(int fd)
{
    REAL(close);
    if (fd < 0 || fd >= MAXFD || kind[fd] == 0) return real_close(fd);
    pthread_mutex_lock(&mu);
    int r = real_close(fd);
    int saved = errno;
    kind[fd] = 0;
    free(paths[fd]);
    paths[fd] = NULL;
    pthread_mutex_unlock(&mu);
    errno = saved;
    return r;
}

static int two_paths(int op, const char *from, const char *to, int (*call)(const char *, const char *))
{
    char a[PATH_MAX], b[PATH_MAX];
    int inA = under_root(AT_FDCWD, from, a), inB = under_root(AT_FDCWD, to, b);
    if (!inA && !inB) return call(from, to);
    pthread_mutex_lock(&mu);
    int r = call(from, to);
    int saved = errno;
    if (r == 0) {
        if (inA && inB) log_record(op, 0, 0, 0, 0, a, b, NULL, 0);
        else if (inA && op == OP_RENAME) log_record(OP_UNLINK, 0, 0, 0, 0, a, NULL, NULL, 0);
        else if (inB) log_record(OP_UNSUPPORTED, 0, 0, 0, 0, b, "moved or linked in from outside", NULL, 0);
    }
    pthread_mutex_unlock(&mu);
    errno = saved;
    return r;
}

static int call_rename(const char *a, const char *b) { REAL(rename); return real_rename(a, b); }
static int call_link(const char *a, const char *b) { REAL(link); return real_link(a, b); }
int rename(const char *from, const char *to) { return two_paths(OP_RENAME, from, to, call_rename); }
int link(const char *from, const char *to) { return two_paths(OP_LINK, from, to, call_link); }

static int one_path(int op, int dirfd, const char *path, int (*call)(int, const char *, int, mode_t), int flags, mode_t mode)
{
    char rel[PATH_MAX];
    if (!under_root(dirfd, path, rel)) return call(dirfd, path, flags, mode);
    pthread_mutex_lock(&mu);
    int r = call(dirfd, path, flags, mode);
    int saved = errno;
    if (r == 0) log_record(op, 0, 0, 0, 0, rel, NULL, NULL, 0);
    pthread_mutex_unlock(&mu);
    errno = saved;
    return r;
}

static int call_unlink(int d, const char *p, int f, mode_t m) { (void)d; (void)f; (void)m; REAL(unlink); return real_unlink(p); }
static int call_unlinkat(int d, const char *p, int f, mode_t m) { (void)m; REAL(unlinkat); return real_unlinkat(d, p, f); }
static int call_mkdir(int d, const char *p, int f, mode_t m) { (void)d; (void)f; REAL(mkdir); return real_mkdir(p, m); }
static int call_rmdir(int d, const char *p, int f, mode_t m) { (void)d; (void)f; (void)m; REAL(rmdir); return real_rmdir(p); }
int unlink(const char *path) { return one_path(OP_UNLINK, AT_FDCWD, path, call_unlink, 0, 0); }
int unlinkat(int dirfd, const char *path, int flags) { return one_path(flags & AT_REMOVEDIR ? OP_RMDIR : OP_UNLINK, dirfd, path, call_unlinkat, flags, 0); }
int mkdir(const char *path, mode_t mode) { return one_path(OP_MKDIR, AT_FDCWD, path, call_mkdir, 0, mode); }
int rmdir(const char *path) { return one_path(OP_RMDIR, AT_FDCWD, path, call_rmdir, 0, 0); }

/* Copies the replay cannot follow: logged so the run is refused rather than wrong. */
ssize_t sendfile64(int out, int in, off64_t *offset, size_t count)
{
    REAL(sendfile64);
    if (ours(out)) { pthread_mutex_lock(&mu); log_record(OP_UNSUPPORTED, 0, inos[out], 0, 0, paths[out], "sendfile", NULL, 0); pthread_mutex_unlock(&mu); }
    return real_sendfile64(out, in, offset, count);
}

ssize_t copy_file_range(int in, off64_t *inoff, int out, off64_t *outoff, size_t len, unsigned int flags)
{
    REAL(copy_file_range);
    if (ours(out)) { pthread_mutex_lock(&mu); log_record(OP_UNSUPPORTED, 0, inos[out], 0, 0, paths[out], "copy_file_range", NULL, 0); pthread_mutex_unlock(&mu); }
    return real_copy_file_range(in, inoff, out, outoff, len, flags);
}

static void check_map(int prot, int flags, int fd)
{
    if (!ours(fd) || !(prot & PROT_WRITE) || !(flags & MAP_SHARED)) return;
    size_t n = paths[fd] ? strlen(paths[fd]) : 0;
    if (n >= 4 && strcmp(paths[fd] + n - 4, "-shm") == 0) return;
    pthread_mutex_lock(&mu);
    log_record(OP_UNSUPPORTED, 0, inos[fd], 0, 0, paths[fd], "writable shared mmap", NULL, 0);
    pthread_mutex_unlock(&mu);
}

void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset) { REAL(mmap); check_map(prot, flags, fd); return real_mmap(addr, length, prot, flags, fd, offset); }
void *mmap64(void *addr, size_t length, int prot, int flags, int fd, off64_t offset) { REAL(mmap64); check_map(prot, flags, fd); return real_mmap64(addr, length, prot, flags, fd, offset); }
