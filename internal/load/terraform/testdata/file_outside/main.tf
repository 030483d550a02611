resource "aws_iam_policy" "p" {
  name   = "escape"
  policy = file("../../etc/passwd")
}
