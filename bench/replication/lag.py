#!/usr/bin/env python3
"""Replication lag of PUTs (4 KiB unless SIZE is given): from the source's acknowledgement (the client's clock) to the
destination's commit (its LastModified in the version listing, milliseconds, the same machine's clock; HEAD's
Last-Modified has only seconds), for every version.
Usage: lag.py SRC_URL SRC_BUCKET DST_URL DST_BUCKET [COUNT] [THREADS] [SIZE]"""
import os, sys, time, threading, statistics
import boto3
from botocore.config import Config

src_url, src_bucket, dst_url, dst_bucket = sys.argv[1:5]
count = int(sys.argv[5]) if len(sys.argv) > 5 else 2000
threads = int(sys.argv[6]) if len(sys.argv) > 6 else 8
size = int(sys.argv[7]) if len(sys.argv) > 7 else 4096
prefix = f"lag{size}/"
config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, max_pool_connections=threads * 2)
src = boto3.client("s3", endpoint_url=src_url, config=config)
dst = boto3.client("s3", endpoint_url=dst_url, config=config)
body = os.urandom(size)
acked = {}
lock = threading.Lock()

def writer(n):
    for i in range(n, count, threads):
        r = src.put_object(Bucket=src_bucket, Key=f"{prefix}{i:06d}", Body=body)
        t = time.time()
        with lock:
            acked[r["VersionId"]] = t

started = time.time()
workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
for w in workers: w.start()
for w in workers: w.join()
put_seconds = time.time() - started

deadline = time.time() + 600
while time.time() < deadline:
    pages = dst.get_paginator("list_object_versions").paginate(Bucket=dst_bucket, Prefix=prefix)
    if sum(len(p.get("Versions", [])) for p in pages) >= count: break
    time.sleep(0.2)
drained = time.time() - started

lags = []
for page in dst.get_paginator("list_object_versions").paginate(Bucket=dst_bucket, Prefix=prefix):
    for v in page.get("Versions", []):
        head = dst.head_object(Bucket=dst_bucket, Key=v["Key"], VersionId=v["VersionId"])
        source_id = head["Metadata"].get("strata-source-version-id")
        if source_id in acked:
            lags.append((v["LastModified"].timestamp() - acked[source_id]) * 1000)
lags.sort()
def pct(p): return lags[min(len(lags) - 1, int(p / 100 * len(lags)))]
label = f"{size // 1048576} MiB" if size >= 1048576 else f"{size // 1024} KiB"
print(f"{count} PUTs of {label} at {threads} threads in {put_seconds:.1f} s ({count / put_seconds:.0f}/s); all on the destination after {drained:.1f} s")
print(f"lag ms over {len(lags)} versions: p50 {pct(50):.0f}, p90 {pct(90):.0f}, p99 {pct(99):.0f}, max {lags[-1]:.0f}")
