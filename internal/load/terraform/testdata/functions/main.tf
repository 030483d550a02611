locals {
  base   = { a = "1", b = "2" }
  merged = merge(local.base, { b = "3", c = "4" })
  names  = ["Alpha", "beta", "alpha"]
  parts  = split(",", "x,y,z")
  conf   = jsondecode("{\"memory\": 512}")
}

resource "aws_ssm_parameter" "p" {
  name  = format("/%s/%s", lower("APP"), upper("env"))
  type  = "String"
  value = jsonencode({
    merged    = local.merged
    looked    = lookup(local.merged, "c", "none")
    missing   = lookup(local.merged, "z", "none")
    second    = element(local.parts, 1)
    count     = length(local.parts)
    joined    = join("-", local.parts)
    distinct  = distinct([for n in local.names : lower(n)])
    flat      = flatten([[1, 2], [3]])
    coalesced = coalesce("", "fallback")
    tried     = try(local.base.nope, "default")
    replaced  = replace("a-b-c", "/-/", "_")
    contains  = contains(local.parts, "y")
    keys      = keys(local.base)
    memory    = local.conf.memory
    set       = toset(["b", "a", "b"])
    str       = tostring(42)
    conc      = concat(local.parts, ["w"])
  })
}
