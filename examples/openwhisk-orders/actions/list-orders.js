function main(params) {
  return { body: "list-orders" };
}
exports.main = main;
