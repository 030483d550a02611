# Mostly Google, with an S3 bucket for backups: the stack is a Google one,
# and the bucket is still in it.
resource "google_cloudfunctions2_function" "a" {
  name = "a"
  build_config {
    runtime     = "python312"
    entry_point = "main"
  }
}

resource "google_cloudfunctions2_function" "b" {
  name = "b"
  build_config {
    runtime     = "python312"
    entry_point = "main"
  }
}

resource "aws_s3_bucket" "backup" {
  count  = 2
  bucket = "backup-${count.index}"
}
