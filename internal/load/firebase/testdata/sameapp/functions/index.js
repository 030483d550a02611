// The "same app" as internal/load/sam/testdata/sameapp, written for
// Firebase: orders (public HTTPS) reads and writes the orders collection;
// worker runs on each message of the orders topic and writes the collection.
const { onRequest } = require("firebase-functions/v2/https");
const { onMessagePublished } = require("firebase-functions/v2/pubsub");
const { getFirestore } = require("firebase-admin/firestore");

const db = getFirestore();

exports.orders = onRequest({ invoker: "public" }, async (req, res) => {
  const snap = await db.collection("orders").get();
  await db.collection("orders").add({ seen: snap.size });
  res.json({ count: snap.size });
});

exports.worker = onMessagePublished("orders", async (event) => {
  await db.collection("orders").add(event.data.message.json);
});
