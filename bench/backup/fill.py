#!/usr/bin/env python3
"""Fills a running Strata with the backup benchmark's data set: VERSIONS versions in one versioned bucket
(one in ten blob-sized, 64 KiB; the rest inline, 1 KiB; ten versions per key) plus LARGE objects of 32 MiB.
Usage: fill.py ENDPOINT [VERSIONS] [LARGE]   (keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)"""
import os, sys
from concurrent.futures import ThreadPoolExecutor
import boto3
from botocore.config import Config

endpoint = sys.argv[1]
versions = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
large = int(sys.argv[3]) if len(sys.argv) > 3 else 8
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  config=Config(max_pool_connections=32, s3={"addressing_style": "path"}))
bucket = "backup-bench"
s3.create_bucket(Bucket=bucket)
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
small, blob = os.urandom(1024), os.urandom(64 * 1024)

def put(i):
    s3.put_object(Bucket=bucket, Key=f"k/{i // 10:05d}", Body=blob if i % 10 == 0 else small)

with ThreadPoolExecutor(16) as pool:
    list(pool.map(put, range(versions)))
big = os.urandom(32 * 1024 * 1024)
for i in range(large):
    s3.put_object(Bucket=bucket, Key=f"large/{i}", Body=big)
print(f"{versions} versions and {large} x 32 MiB in s3://{bucket}")
