"""Private files on S3 through django-storages, against moto in server mode (a real HTTP
endpoint, so boto3, signing and the storage backend run exactly as they would against S3).

The storage options are the ones config/settings.py builds when AWS_STORAGE_BUCKET_NAME is set,
pointed at the moto server."""

import runpy
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from attachments import services
from attachments.models import Attachment
from tests.attachments.conftest import jpeg_bytes, pdf_bytes, upload

pytest.importorskip("moto", reason="moto is not installed (pip install -e '.[dev]')")
moto_server = pytest.importorskip(
    "moto.server", reason="moto's server mode needs moto[server] (pip install -e '.[dev]')"
)
boto3 = pytest.importorskip("boto3", reason="boto3 is not installed (django-storages[s3])")

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "config" / "settings.py"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture(scope="module")
def moto_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(moto_endpoint, monkeypatch, tmp_path):
    # Nothing from the machine's own AWS configuration.
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    name = f"zhicheng-private-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=name)
    return client, name


@pytest.fixture
def s3_storage(bucket, moto_endpoint, monkeypatch, settings):
    """settings.STORAGES["default"] exactly as config/settings.py configures S3."""
    client, name = bucket
    for key, value in {
        "AWS_STORAGE_BUCKET_NAME": name,
        "AWS_S3_ENDPOINT_URL": moto_endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        **CREDENTIALS,
    }.items():
        monkeypatch.setenv(key, value)
    configured = runpy.run_path(str(SETTINGS_FILE))["STORAGES"]["default"]
    assert configured["BACKEND"] == "storages.backends.s3.S3Storage"
    options = configured["OPTIONS"]
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True and options["file_overwrite"] is False
    assert options["bucket_name"] == name and options["endpoint_url"] == moto_endpoint
    settings.STORAGES = {**settings.STORAGES, "default": configured}
    from storages.backends.s3 import S3Storage

    assert isinstance(storages["default"], S3Storage)
    assert Attachment._meta.get_field("file").storage is default_storage
    return client, name


def slot(declaration, code):
    return declaration.plan.sections.get(slots__code=code).slots.get(code=code)


def put(declaration, code, name, content, capture):
    with capture(execute=True):  # the upload commits, then the check runs (eagerly here)
        attachment = services.upload_attachment(
            actor=declaration.applicant,
            declaration=declaration,
            slot=slot(declaration, code),
            uploaded_file=upload(name, content),
        )
    attachment.refresh_from_db()
    return attachment


def keys(client, bucket_name):
    listing = client.list_objects_v2(Bucket=bucket_name)
    return {item["Key"] for item in listing.get("Contents", [])}


def assert_private(client, bucket_name, key):
    grants = client.get_object_acl(Bucket=bucket_name, Key=key)["Grants"]
    assert grants, "no ACL at all"
    for grant in grants:
        grantee = grant["Grantee"]
        assert grantee.get("URI") not in (ALL_USERS, AUTHENTICATED_USERS), grant
        assert grantee["Type"] == "CanonicalUser", grant
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # the owner only


def test_upload_is_stored_privately_under_a_generated_name_and_checked(
    s3_storage, engineering_declaration, django_capture_on_commit_callbacks
):
    client, bucket_name = s3_storage
    content = pdf_bytes(2)
    attachment = put(
        engineering_declaration,
        "education_record",
        "2012 学历备案表.pdf",
        content,
        django_capture_on_commit_callbacks,
    )

    # The check read the file back from the bucket.
    assert attachment.status == Attachment.Status.VALID, attachment.reason
    assert attachment.page_count == 2 and attachment.check_attempts == 1
    # Stored under the generated name; the person's file name is only in the database.
    key = attachment.file.name
    assert key.startswith(f"declarations/{engineering_declaration.pk}/") and key.endswith(".pdf")
    assert keys(client, bucket_name) == {key}
    assert "学历" not in key and "2012" not in key
    assert attachment.original_name == "2012 学历备案表.pdf"
    body = client.get_object(Bucket=bucket_name, Key=key)["Body"].read()
    assert body == content
    assert_private(client, bucket_name, key)
    # Any URL the storage hands out is signed and short-lived, never a bare public one.
    url = attachment.file.storage.url(key)
    assert "X-Amz-Signature=" in url or "Signature=" in url


def test_photo_and_its_thumbnail_are_private_objects(
    s3_storage, engineering_declaration, django_capture_on_commit_callbacks
):
    client, bucket_name = s3_storage
    photo = put(
        engineering_declaration,
        "photo",
        "证件照.jpg",
        jpeg_bytes((300, 420)),
        django_capture_on_commit_callbacks,
    )
    assert photo.status == Attachment.Status.VALID, photo.reason
    assert photo.thumbnail.name.startswith("thumbnails/")
    assert keys(client, bucket_name) == {photo.file.name, photo.thumbnail.name}
    for key in (photo.file.name, photo.thumbnail.name):
        assert_private(client, bucket_name, key)


def test_two_uploads_never_overwrite_each_other(
    s3_storage, engineering_declaration, django_capture_on_commit_callbacks
):
    client, bucket_name = s3_storage
    first_content, second_content = pdf_bytes(1), pdf_bytes(3)
    first = put(
        engineering_declaration,
        "education_record",
        "备案表.pdf",
        first_content,
        django_capture_on_commit_callbacks,
    )
    second = put(
        engineering_declaration,
        "education_record",
        "备案表.pdf",  # the same original name
        second_content,
        django_capture_on_commit_callbacks,
    )
    assert first.file.name != second.file.name
    assert keys(client, bucket_name) == {first.file.name, second.file.name}
    for attachment, content, pages in ((first, first_content, 1), (second, second_content, 3)):
        assert attachment.status == Attachment.Status.VALID, attachment.reason
        assert attachment.page_count == pages
        assert client.get_object(Bucket=bucket_name, Key=attachment.file.name)["Body"].read() == (
            content
        )

    # file_overwrite is off: even the same name twice gives two objects.
    name = f"declarations/{engineering_declaration.pk}/same.pdf"
    saved = [default_storage.save(name, ContentFile(data)) for data in (b"one", b"two")]
    assert saved[0] == name and saved[1] != name
    assert [client.get_object(Bucket=bucket_name, Key=k)["Body"].read() for k in saved] == [
        b"one",
        b"two",
    ]
    assert_private(client, bucket_name, saved[1])
