# The queue's policy needs the function's role; the function needs the
# queue's ARN: fine in Terraform (output by output), and so here.
module "queue" {
  source     = "./modules/queue"
  name       = "jobs"
  writer_arn = module.fn.role_arn
}

module "fn" {
  source    = "./modules/fn"
  name      = "worker"
  queue_arn = module.queue.arn
}
