resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Service": "lambda.amazonaws.com" },
      "Action": "sts:AssumeRole"
    }
  ]
}
EOF
}

resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.r.id
  policy = <<-POLICY
    {
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "s3:GetObject",
          "Resource": "${aws_s3_bucket.b.arn}/*"
        }
      ]
    }
  POLICY
}

resource "aws_s3_bucket" "b" {
  bucket = "b"
}
