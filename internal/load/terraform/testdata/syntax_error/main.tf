resource "aws_sqs_queue" "q" {
  name = "q"

resource "aws_sns_topic" "t" {}
