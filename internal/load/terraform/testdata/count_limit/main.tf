resource "aws_sqs_queue" "q" {
  count = 1e9
  name  = "q-${count.index}"
}
