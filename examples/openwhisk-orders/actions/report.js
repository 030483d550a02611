function main(params) {
  return { body: "report" };
}
exports.main = main;
