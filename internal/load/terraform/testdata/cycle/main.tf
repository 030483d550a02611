locals {
  a = "${local.b}-a"
  b = "${local.a}-b"
}

resource "aws_sqs_queue" "q" {
  name = local.a
}
