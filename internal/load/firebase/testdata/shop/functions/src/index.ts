import { onRequest, onCall, HttpsError } from "firebase-functions/v2/https";
import { onDocumentCreated } from "firebase-functions/v2/firestore";
import { onMessagePublished } from "firebase-functions/v2/pubsub";
import { onSchedule } from "firebase-functions/v2/scheduler";
import * as functions from "firebase-functions/v1";
import { getFirestore } from "firebase-admin/firestore";

const db = getFirestore();

export const orders = onRequest({ invoker: "public", cors: true, maxInstances: 10 }, async (req, res) => {
  const snap = await db.collection("orders").get();
  await db.collection("orders").add({ at: Date.now() });
  res.json(snap.docs.map((d) => d.data()));
});

export const adminApi = onRequest({ invoker: "private" }, async (req, res) => {
  res.send("ok");
});

export const placeOrder = onCall(async (request) => {
  if (!request.auth) {
    throw new HttpsError("unauthenticated", "sign in first");
  }
  await db.collection("orders").doc(request.data.id).set(request.data);
});

export const openCallable = onCall({ enforceAppCheck: true }, async (request) => {
  return { echo: request.data };
});

export const onOrder = onDocumentCreated("orders/{orderId}", async (event) => {
  await db.collection("audit").add({ id: event.params.orderId });
});

export const worker = onMessagePublished("orders", async (event) => {
  await db.doc("orders/latest").set(event.data.message.json);
});

export const nightly = onSchedule("every day 02:00", async () => {});

exports.legacy = functions.region("us-central1").https.onRequest((req, res) => {
  res.send("hi");
});

exports.thumb = functions.storage.bucket("uploads").object().onFinalize(async (object) => {});
