# nightlight:ignore NL4003 public by design
resource "aws_s3_bucket" "logs" {
  for_each = toset(["a", "b"])
  bucket   = "logs-${each.key}"
}

resource "aws_sqs_queue" "q" {
  name = "q" # nightlight:ignore NL1001,NL1002 reviewed
  // nightlight:ignore legacy
  sqs_managed_sse_enabled = false
}
