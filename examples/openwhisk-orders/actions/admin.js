function main(params) {
  return { body: "admin" };
}
exports.main = main;
