module "up" {
  source = "../../../../outside"
}
