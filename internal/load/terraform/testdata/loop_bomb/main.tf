locals {
  r   = range(1000)
  big = flatten([for a in local.r : [for b in local.r : [for c in local.r : a]]])
}

resource "aws_sqs_queue" "q" {
  name = "q-${length(local.big)}"
}
