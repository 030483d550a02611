variable "n" {
  type = number
}

resource "aws_sqs_queue" "q" {
  count = var.n
  name  = "q-${count.index}"
}
