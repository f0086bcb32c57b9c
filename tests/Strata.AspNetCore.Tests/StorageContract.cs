using System.Text;
using Strata.AspNetCore.Storage;

namespace Strata.AspNetCore.Tests;

/// <summary>
/// What every backend promises, run once per backend: <see cref="S3StorageContract"/> against a real Strata server
/// with a versioned bucket, <see cref="FileSystemStorageContract"/> against a temporary directory.
/// </summary>
public abstract class StorageContract : IAsyncLifetime
{
    /// <summary>A storage that stores a taken name under a new one (Django's default).</summary>
    protected IFileStorage Storage { get; private set; } = null!;

    /// <summary>A storage over the same place that replaces a taken name.</summary>
    protected IFileStorage Overwriting { get; private set; } = null!;

    protected abstract Task<(IFileStorage Unique, IFileStorage Overwriting)> CreateStoragesAsync();

    public async Task InitializeAsync() => (Storage, Overwriting) = await CreateStoragesAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    protected static async Task<string> ReadAsync(IFileStorage storage, string name)
    {
        await using var stream = await storage.OpenReadAsync(name);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task A_saved_file_exists_and_reads_back_with_its_size()
    {
        var name = await Storage.SaveAsync("photos/cat.jpg", Text("meow"));
        Assert.Equal("photos/cat.jpg", name);
        Assert.True(await Storage.ExistsAsync(name));
        Assert.Equal("meow", await ReadAsync(Storage, name));
        Assert.Equal(4, await Storage.GetSizeAsync(name));
    }

    [Fact]
    public async Task Last_modified_is_when_the_file_was_written()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);
        await Storage.SaveAsync("notes.txt", Text("x"));
        var after = DateTimeOffset.UtcNow.AddSeconds(2);
        var modified = await Storage.GetLastModifiedAsync("notes.txt");
        Assert.InRange(modified, before, after);
    }

    [Fact]
    public async Task A_missing_file_does_not_exist_and_cannot_be_opened_or_measured()
    {
        Assert.False(await Storage.ExistsAsync("nowhere/ghost.txt"));
        await Assert.ThrowsAsync<FileNotFoundException>(() => Storage.OpenReadAsync("nowhere/ghost.txt"));
        await Assert.ThrowsAsync<FileNotFoundException>(() => Storage.GetSizeAsync("ghost.txt"));
        await Assert.ThrowsAsync<FileNotFoundException>(() => Storage.GetLastModifiedAsync("ghost.txt"));
    }

    [Fact]
    public async Task Deleting_removes_the_file_and_deleting_again_is_not_an_error()
    {
        await Storage.SaveAsync("old.txt", Text("bye"));
        await Storage.DeleteAsync("old.txt");
        Assert.False(await Storage.ExistsAsync("old.txt"));
        await Assert.ThrowsAsync<FileNotFoundException>(() => Storage.OpenReadAsync("old.txt"));
        await Storage.DeleteAsync("old.txt");
        await Storage.DeleteAsync("never/was.txt");
    }

    [Fact]
    public async Task A_taken_name_gets_a_unique_suffix_before_all_its_extensions_and_both_files_stay()
    {
        Assert.Equal("docs/report.tar.gz", await Storage.SaveAsync("docs/report.tar.gz", Text("first")));
        var second = await Storage.SaveAsync("docs/report.tar.gz", Text("second"));
        var third = await Storage.SaveAsync("docs/report.tar.gz", Text("third"));
        Assert.Matches(@"^docs/report_[A-Za-z0-9]{7}\.tar\.gz$", second);
        Assert.Matches(@"^docs/report_[A-Za-z0-9]{7}\.tar\.gz$", third);
        Assert.NotEqual(second, third);
        Assert.Equal("first", await ReadAsync(Storage, "docs/report.tar.gz"));
        Assert.Equal("second", await ReadAsync(Storage, second));
        Assert.Equal("third", await ReadAsync(Storage, third));
    }

    [Fact]
    public async Task Uploads_racing_for_one_name_all_survive_under_distinct_names()
    {
        var names = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Storage.SaveAsync("race/photo.jpg", Text($"upload {i}"))));
        Assert.Equal(6, names.Distinct().Count());
        var contents = await Task.WhenAll(names.Select(name => ReadAsync(Storage, name)));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"upload {i}"), contents);
    }

    [Fact]
    public async Task With_overwrite_on_a_taken_name_is_replaced()
    {
        await Overwriting.SaveAsync("site.css", Text("body{}"));
        Assert.Equal("site.css", await Overwriting.SaveAsync("site.css", Text("main{}")));
        Assert.Equal("main{}", await ReadAsync(Overwriting, "site.css"));
        Assert.Equal(["site.css"], (await Overwriting.ListAsync("")).Files);
    }

    [Fact]
    public async Task A_stream_that_cannot_seek_is_saved_whole()
    {
        var content = new string('z', 200_000);
        await Storage.SaveAsync("big/z.txt", new ForwardOnlyStream(Text(content)));
        Assert.Equal(content, await ReadAsync(Storage, "big/z.txt"));
        Assert.Equal(200_000, await Storage.GetSizeAsync("big/z.txt"));
    }

    [Fact]
    public async Task Content_is_read_from_the_streams_current_position()
    {
        var content = Text("skip:kept");
        content.Position = 5;
        await Storage.SaveAsync("part.txt", content);
        Assert.Equal("kept", await ReadAsync(Storage, "part.txt"));
        content.Position = 5;
        var second = await Storage.SaveAsync("part.txt", content);
        Assert.Equal("kept", await ReadAsync(Storage, second));
    }

    [Fact]
    public async Task Listing_a_directory_shows_its_folders_and_files_only()
    {
        foreach (var name in new[] { "a.txt", "b.txt", "img/1.png", "img/2.png", "img/deep/3.png", "video/clip.mp4" })
        {
            await Storage.SaveAsync(name, Text(name));
        }
        var top = await Storage.ListAsync("");
        Assert.Equal(["img", "video"], top.Directories);
        Assert.Equal(["a.txt", "b.txt"], top.Files);
        var img = await Storage.ListAsync("img");
        Assert.Equal(["deep"], img.Directories);
        Assert.Equal(["1.png", "2.png"], img.Files);
        Assert.Equal(["3.png"], (await Storage.ListAsync("img/deep/")).Files);
        var none = await Storage.ListAsync("nothing-here");
        Assert.Empty(none.Directories);
        Assert.Empty(none.Files);
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("photos/../../outside.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/Windows/win.ini")]
    [InlineData("photos\\..\\x.txt")]
    public async Task A_name_that_would_escape_the_storage_is_refused(string name)
    {
        await Assert.ThrowsAsync<StorageNameException>(() => Storage.SaveAsync(name, Text("x")));
        await Assert.ThrowsAsync<StorageNameException>(() => Storage.OpenReadAsync(name));
        await Assert.ThrowsAsync<StorageNameException>(() => Storage.ExistsAsync(name));
        await Assert.ThrowsAsync<StorageNameException>(() => Storage.DeleteAsync(name));
        await Assert.ThrowsAsync<StorageNameException>(() => Storage.ListAsync(name));
        Assert.Throws<StorageNameException>(() => Storage.GetUrl(name));
    }

    /// <summary>A request body as ASP.NET Core hands it over: read once, front to back.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
