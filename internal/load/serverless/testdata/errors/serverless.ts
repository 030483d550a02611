export default {service: "x"}
