variable "name" {}
variable "writer_arn" {}

resource "aws_sqs_queue" "this" {
  name = var.name
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = var.writer_arn }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.this.arn
    }]
  })
}

output "arn" {
  value = aws_sqs_queue.this.arn
}
