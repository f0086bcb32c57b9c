"""boto3 (Debian's python3-boto3) against a real Strata server.

Run by ./run, which starts the server and exports STRATA_ENDPOINT and the root credentials.
"""
import hashlib
import os
import sys
import tempfile
import unittest
import urllib.error
import urllib.request
import uuid

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

try:
    import requests
except ImportError:  # a pyenv Python without requests: Debian's python3-requests
    sys.path.append("/usr/lib/python3/dist-packages")
    import requests


def client():
    return boto3.client(
        "s3",
        endpoint_url=os.environ["STRATA_ENDPOINT"],
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
        # s3v4 as AWS recommends; botocore of this age still presigns with SigV2 by default.
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4", retries={"max_attempts": 1}),
    )


def new_bucket(s3, versioning=False):
    name = "boto-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    if versioning:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def error_code(call):
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError("the call did not fail")


class Objects(unittest.TestCase):
    def setUp(self):
        self.s3 = client()
        self.bucket = new_bucket(self.s3)

    def test_put_get_head_keep_bytes_and_metadata(self):
        self.s3.put_object(Bucket=self.bucket, Key="a/b c+d.txt", Body=b"hello", ContentType="text/plain", Metadata={"author": "ada"})
        got = self.s3.get_object(Bucket=self.bucket, Key="a/b c+d.txt")
        self.assertEqual(got["Body"].read(), b"hello")
        self.assertEqual(got["ContentType"], "text/plain")
        self.assertEqual(got["Metadata"], {"author": "ada"})
        self.assertEqual(got["ETag"], '"%s"' % hashlib.md5(b"hello").hexdigest())
        head = self.s3.head_object(Bucket=self.bucket, Key="a/b c+d.txt")
        self.assertEqual(head["ContentLength"], 5)

    def test_missing_key_and_bucket_errors(self):
        self.assertEqual(error_code(lambda: self.s3.get_object(Bucket=self.bucket, Key="nope")), "NoSuchKey")
        self.assertEqual(error_code(lambda: self.s3.list_objects_v2(Bucket="no-such-" + uuid.uuid4().hex[:8])), "NoSuchBucket")
        self.s3.put_object(Bucket=self.bucket, Key="k", Body=b"x")
        self.assertEqual(error_code(lambda: self.s3.delete_bucket(Bucket=self.bucket)), "BucketNotEmpty")

    def test_listing_with_prefix_delimiter_and_pages(self):
        for i in range(12):
            self.s3.put_object(Bucket=self.bucket, Key="logs/%02d" % i, Body=b"x")
        self.s3.put_object(Bucket=self.bucket, Key="top", Body=b"x")
        root = self.s3.list_objects_v2(Bucket=self.bucket, Delimiter="/")
        self.assertEqual([p["Prefix"] for p in root["CommonPrefixes"]], ["logs/"])
        self.assertEqual([o["Key"] for o in root["Contents"]], ["top"])
        keys = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix="logs/", PaginationConfig={"PageSize": 5}):
            keys += [o["Key"] for o in page.get("Contents", [])]
        self.assertEqual(keys, ["logs/%02d" % i for i in range(12)])
        v1 = []
        for page in self.s3.get_paginator("list_objects").paginate(Bucket=self.bucket, PaginationConfig={"PageSize": 4}):
            v1 += [o["Key"] for o in page.get("Contents", [])]
        self.assertEqual(len(v1), 13)

    def test_copy_range_and_delete_objects(self):
        self.s3.put_object(Bucket=self.bucket, Key="digits", Body=b"0123456789")
        self.s3.copy_object(Bucket=self.bucket, Key="copy", CopySource={"Bucket": self.bucket, "Key": "digits"})
        part = self.s3.get_object(Bucket=self.bucket, Key="copy", Range="bytes=3-5")
        self.assertEqual(part["Body"].read(), b"345")
        self.assertEqual(part["ResponseMetadata"]["HTTPStatusCode"], 206)
        result = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": "digits"}, {"Key": "copy"}]})
        self.assertEqual(sorted(d["Key"] for d in result["Deleted"]), ["copy", "digits"])
        self.assertEqual(self.s3.list_objects_v2(Bucket=self.bucket)["KeyCount"], 0)

    def test_presigned_get(self):
        self.s3.put_object(Bucket=self.bucket, Key="p", Body=b"presigned")
        url = self.s3.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "p"}, ExpiresIn=300)
        with urllib.request.urlopen(url) as response:
            self.assertEqual(response.read(), b"presigned")

    def test_upload_file_and_download_file(self):
        data = os.urandom(3 * 1024 * 1024 + 5)
        with tempfile.TemporaryDirectory() as folder:
            source = os.path.join(folder, "in.bin")
            target = os.path.join(folder, "out.bin")
            with open(source, "wb") as f:
                f.write(data)
            single_part = TransferConfig(multipart_threshold=64 * 1024 * 1024)
            self.s3.upload_file(source, self.bucket, "file.bin", Config=single_part)
            self.s3.download_file(self.bucket, "file.bin", target, Config=single_part)
            with open(target, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), hashlib.sha256(data).hexdigest())


class Multipart(unittest.TestCase):
    def test_upload_file_and_download_file_in_parts(self):
        s3 = client()
        bucket = new_bucket(s3, versioning=True)
        data = os.urandom(23 * 1024 * 1024 + 7)
        small_parts = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
        with tempfile.TemporaryDirectory() as folder:
            source = os.path.join(folder, "in.bin")
            target = os.path.join(folder, "out.bin")
            with open(source, "wb") as f:
                f.write(data)
            s3.upload_file(source, bucket, "big.bin", Config=small_parts)
            head = s3.head_object(Bucket=bucket, Key="big.bin")
            self.assertTrue(head["ETag"].endswith('-5"'), head["ETag"])
            self.assertNotEqual(head["VersionId"], "null")
            s3.download_file(bucket, "big.bin", target, Config=small_parts)
            with open(target, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), hashlib.sha256(data).hexdigest())

    def test_completion_errors(self):
        s3 = client()
        bucket = new_bucket(s3)
        upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
        small = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"tiny")["ETag"]
        last = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=2, Body=b"end")["ETag"]
        parts = {"Parts": [{"PartNumber": 1, "ETag": small}, {"PartNumber": 2, "ETag": last}]}
        self.assertEqual(error_code(lambda: s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload, MultipartUpload=parts)), "EntityTooSmall")
        wrong = {"Parts": [{"PartNumber": 1, "ETag": '"0123"'}]}
        self.assertEqual(error_code(lambda: s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload, MultipartUpload=wrong)), "InvalidPart")
        s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload)
        self.assertEqual(error_code(lambda: s3.list_parts(Bucket=bucket, Key="k", UploadId=upload)), "NoSuchUpload")


class VersioningRecipe(unittest.TestCase):
    """The recipe: enable versioning, upload twice, delete, list versions, read the old version,
    remove the delete marker, restore an older version by copying it over the key."""

    def test_recipe(self):
        s3 = client()
        bucket = new_bucket(s3, versioning=True)
        self.assertEqual(s3.get_bucket_versioning(Bucket=bucket)["Status"], "Enabled")
        v1 = s3.put_object(Bucket=bucket, Key="doc", Body=b"one")["VersionId"]
        v2 = s3.put_object(Bucket=bucket, Key="doc", Body=b"two")["VersionId"]
        self.assertNotEqual(v1, v2)
        deleted = s3.delete_object(Bucket=bucket, Key="doc")
        self.assertTrue(deleted["DeleteMarker"])
        marker = deleted["VersionId"]
        self.assertEqual(error_code(lambda: s3.get_object(Bucket=bucket, Key="doc")), "NoSuchKey")

        listing = s3.list_object_versions(Bucket=bucket)
        self.assertEqual([v["VersionId"] for v in listing["Versions"]], [v2, v1])
        self.assertEqual([m["VersionId"] for m in listing["DeleteMarkers"]], [marker])
        self.assertTrue(listing["DeleteMarkers"][0]["IsLatest"])

        self.assertEqual(s3.get_object(Bucket=bucket, Key="doc", VersionId=v1)["Body"].read(), b"one")
        s3.delete_object(Bucket=bucket, Key="doc", VersionId=marker)
        self.assertEqual(s3.get_object(Bucket=bucket, Key="doc")["Body"].read(), b"two")

        restored = s3.copy_object(Bucket=bucket, Key="doc", CopySource={"Bucket": bucket, "Key": "doc", "VersionId": v1})
        self.assertEqual(restored["CopySourceVersionId"], v1)
        self.assertEqual(s3.get_object(Bucket=bucket, Key="doc")["Body"].read(), b"one")
        self.assertEqual(len(s3.list_object_versions(Bucket=bucket)["Versions"]), 3)

    def test_suspended_bucket_writes_null_versions(self):
        s3 = client()
        bucket = new_bucket(s3, versioning=True)
        kept = s3.put_object(Bucket=bucket, Key="k", Body=b"kept")["VersionId"]
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
        # As S3: a write that makes the null version names no version (no x-amz-version-id).
        self.assertNotIn("VersionId", s3.put_object(Bucket=bucket, Key="k", Body=b"a"))
        self.assertNotIn("VersionId", s3.put_object(Bucket=bucket, Key="k", Body=b"b"))
        self.assertEqual(s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read(), b"b")
        versions = s3.list_object_versions(Bucket=bucket)["Versions"]
        self.assertEqual([v["VersionId"] for v in versions], ["null", kept])


class BrowserPost(unittest.TestCase):
    """generate_presigned_post + requests.post: the form a web page hands the browser, uploaded as the browser would."""
    def setUp(self):
        self.s3 = client()
        self.bucket = new_bucket(self.s3, versioning=True)

    def post(self, presigned, body, filename="photo.jpg"):
        return requests.post(presigned["url"], data=presigned["fields"], files={"file": (filename, body)}, allow_redirects=False)

    def test_presigned_post_uploads_and_keeps_versions(self):
        presigned = self.s3.generate_presigned_post(
            self.bucket, "uploads/${filename}",
            Fields={"Content-Type": "image/jpeg", "x-amz-meta-album": "summer"},
            Conditions=[["starts-with", "$key", "uploads/"], {"Content-Type": "image/jpeg"}, {"x-amz-meta-album": "summer"},
                        ["content-length-range", 1, 1024]],
            ExpiresIn=600)
        first = self.post(presigned, b"one")
        self.assertEqual(first.status_code, 204, first.text)
        second = self.post(presigned, b"two")
        self.assertEqual(second.status_code, 204, second.text)
        got = self.s3.get_object(Bucket=self.bucket, Key="uploads/photo.jpg")
        self.assertEqual(got["Body"].read(), b"two")
        self.assertEqual(got["ContentType"], "image/jpeg")
        self.assertEqual(got["Metadata"], {"album": "summer"})
        versions = self.s3.list_object_versions(Bucket=self.bucket)["Versions"]
        self.assertEqual([v["VersionId"] for v in versions], [second.headers["x-amz-version-id"], first.headers["x-amz-version-id"]])

    def test_success_action_status_201_answers_the_post_response(self):
        presigned = self.s3.generate_presigned_post(self.bucket, "doc.txt", Fields={"success_action_status": "201"},
                                                    Conditions=[{"success_action_status": "201"}], ExpiresIn=600)
        answer = self.post(presigned, b"text", "doc.txt")
        self.assertEqual(answer.status_code, 201, answer.text)
        self.assertIn("<Key>doc.txt</Key>", answer.text)
        self.assertIn("<Bucket>%s</Bucket>" % self.bucket, answer.text)

    def test_a_file_over_the_range_is_refused_and_nothing_is_stored(self):
        presigned = self.s3.generate_presigned_post(self.bucket, "big.bin", Conditions=[["content-length-range", 0, 1024]], ExpiresIn=600)
        answer = self.post(presigned, b"x" * 4096, "big.bin")
        self.assertEqual(answer.status_code, 400)
        self.assertIn("<Code>EntityTooLarge</Code>", answer.text)
        self.assertNotIn("Versions", self.s3.list_object_versions(Bucket=self.bucket))

    def test_a_key_outside_the_policy_is_refused(self):
        presigned = self.s3.generate_presigned_post(self.bucket, "uploads/a.txt", ExpiresIn=600)
        presigned["fields"]["key"] = "elsewhere/a.txt"
        answer = self.post(presigned, b"x", "a.txt")
        self.assertEqual(answer.status_code, 403)
        self.assertIn("<Code>AccessDenied</Code>", answer.text)
        self.assertNotIn("Versions", self.s3.list_object_versions(Bucket=self.bucket))


def sigv2_client(secret=None):
    # signature_version="s3" is botocore's HmacV1: Signature Version 2 on every request.
    return boto3.client(
        "s3",
        endpoint_url=os.environ["STRATA_ENDPOINT"],
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=secret or os.environ["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, signature_version="s3", retries={"max_attempts": 1}),
    )


def http_get(url):
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class SignatureV2(unittest.TestCase):
    def setUp(self):
        self.s3 = client()
        self.bucket = new_bucket(self.s3, versioning=True)

    def test_default_config_presigns_a_sigv2_url_that_downloads(self):
        self.s3.put_object(Bucket=self.bucket, Key="shared/a b.txt", Body=b"for anyone")
        default = boto3.client(
            "s3",
            endpoint_url=os.environ["STRATA_ENDPOINT"],
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        )
        url = default.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "shared/a b.txt"}, ExpiresIn=300)
        # What botocore (1.26 and 1.43 alike) produces by default for a custom endpoint.
        self.assertIn("AWSAccessKeyId=", url)
        self.assertEqual(http_get(url), (200, b"for anyone"))

    def test_tampered_and_expired_sigv2_urls_are_refused(self):
        self.s3.put_object(Bucket=self.bucket, Key="shared", Body=b"shared")
        self.s3.put_object(Bucket=self.bucket, Key="private", Body=b"private")
        v2 = sigv2_client()
        url = v2.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "shared"}, ExpiresIn=300)
        self.assertEqual(http_get(url), (200, b"shared"))
        status, body = http_get(url.replace("/shared?", "/private?"))
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>SignatureDoesNotMatch</Code>", body)
        # A URL used after its Expires (here: signed already expired) is refused.
        expired = v2.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "shared"}, ExpiresIn=-60)
        status, body = http_get(expired)
        self.assertEqual(status, 403)
        self.assertIn(b"Request has expired", body)

    def test_a_sigv2_client_reads_writes_lists_versions_and_uploads_in_parts(self):
        v2 = sigv2_client()
        first = v2.put_object(Bucket=self.bucket, Key="dir/a b+c.txt", Body=b"one", ContentType="text/plain", Metadata={"author": "ada"})
        v2.put_object(Bucket=self.bucket, Key="dir/a b+c.txt", Body=b"two")
        got = v2.get_object(Bucket=self.bucket, Key="dir/a b+c.txt", VersionId=first["VersionId"], ResponseContentType="application/x-old")
        self.assertEqual(got["Body"].read(), b"one")
        self.assertEqual(got["ContentType"], "application/x-old")
        self.assertEqual(v2.get_bucket_versioning(Bucket=self.bucket)["Status"], "Enabled")
        self.assertEqual(len(v2.list_object_versions(Bucket=self.bucket)["Versions"]), 2)
        self.assertEqual([o["Key"] for o in v2.list_objects_v2(Bucket=self.bucket, Prefix="dir/")["Contents"]], ["dir/a b+c.txt"])
        upload = v2.create_multipart_upload(Bucket=self.bucket, Key="big")
        part = v2.upload_part(Bucket=self.bucket, Key="big", UploadId=upload["UploadId"], PartNumber=1, Body=b"x" * (5 * 1024 * 1024))
        last = v2.upload_part(Bucket=self.bucket, Key="big", UploadId=upload["UploadId"], PartNumber=2, Body=b"end")
        v2.complete_multipart_upload(Bucket=self.bucket, Key="big", UploadId=upload["UploadId"], MultipartUpload={"Parts": [
            {"PartNumber": 1, "ETag": part["ETag"]}, {"PartNumber": 2, "ETag": last["ETag"]}]})
        self.assertEqual(v2.head_object(Bucket=self.bucket, Key="big")["ContentLength"], 5 * 1024 * 1024 + 3)
        deleted = v2.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": "big"}, {"Key": "dir/a b+c.txt"}]})
        self.assertEqual(sorted(d["Key"] for d in deleted["Deleted"]), ["big", "dir/a b+c.txt"])

    def test_a_wrong_secret_is_refused_and_stores_nothing(self):
        self.assertEqual(error_code(lambda: sigv2_client("wrong-secret").put_object(Bucket=self.bucket, Key="forged", Body=b"x")),
                         "SignatureDoesNotMatch")
        self.assertNotIn("Versions", self.s3.list_object_versions(Bucket=self.bucket, Prefix="forged"))


class DjangoStoragesStaticSite(unittest.TestCase):
    """django-storages' static set-up: AWS_DEFAULT_ACL = "public-read" and AWS_QUERYSTRING_AUTH = False.

    Its S3Storage uploads with boto3's upload_fileobj and ExtraArgs={"ACL": "public-read", ...}, and its url() is the
    plain, unsigned address of the file, which browsers fetch without credentials.
    """

    def setUp(self):
        self.s3 = client()
        self.bucket = new_bucket(self.s3)

    def upload(self, key, body, acl):
        extra = {"ContentType": "text/css", "CacheControl": "max-age=86400"}
        if acl is not None:
            extra["ACL"] = acl
        with tempfile.TemporaryFile() as f:
            f.write(body)
            f.seek(0)
            self.s3.upload_fileobj(f, self.bucket, key, ExtraArgs=extra)
        return "%s/%s/%s" % (os.environ["STRATA_ENDPOINT"], self.bucket, key)

    def test_public_read_uploads_are_served_to_unsigned_gets(self):
        url = self.upload("static/css/site.css", b"body { margin: 0 }", "public-read")
        status, body = http_get(url)
        self.assertEqual(status, 200)
        self.assertEqual(body, b"body { margin: 0 }")
        grants = self.s3.get_object_acl(Bucket=self.bucket, Key="static/css/site.css")["Grants"]
        self.assertIn({"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"}, grants)

    def test_a_multipart_public_read_upload_is_served_too(self):
        body = os.urandom(9 * 1024 * 1024)
        extra = {"ACL": "public-read"}
        with tempfile.TemporaryFile() as f:
            f.write(body)
            f.seek(0)
            self.s3.upload_fileobj(f, self.bucket, "static/app.bundle.js", ExtraArgs=extra,
                                   Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
        status, got = http_get("%s/%s/static/app.bundle.js" % (os.environ["STRATA_ENDPOINT"], self.bucket))
        self.assertEqual(status, 200)
        self.assertEqual(hashlib.sha256(got).hexdigest(), hashlib.sha256(body).hexdigest())

    def test_without_the_acl_the_file_stays_private(self):
        url = self.upload("media/private.css", b"secret", None)
        status, body = http_get(url)
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>AccessDenied</Code>", body)


if __name__ == "__main__":
    outcome = unittest.main(verbosity=2, exit=False).result
    failed = len(outcome.failures) + len(outcome.errors) + len(outcome.unexpectedSuccesses)
    passed = outcome.testsRun - failed - len(outcome.skipped)
    print("boto3: %d passed, %d failed" % (passed, failed if outcome.testsRun else 1))
