variable "stage" {
  default = "dev"
}

variable "table" {
  default = "t"
}

resource "aws_dynamodb_table" "t" {
  name     = "${var.table}-${var.stage}"
  hash_key = "id"
}
