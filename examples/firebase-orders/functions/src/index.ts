// A deliberately flawed Firebase app. Scan it with
//   go run ./cmd/nightlight scan --fail-on none examples/firebase-orders
import { onRequest, onCall, HttpsError } from "firebase-functions/v2/https";
import { onDocumentCreated } from "firebase-functions/v2/firestore";
import { getFirestore } from "firebase-admin/firestore";

const db = getFirestore();

// Public and unbounded: anyone can list every order.
export const orders = onRequest({ invoker: "public", cors: true }, async (req, res) => {
  const snap = await db.collection("orders").get();
  res.json(snap.docs.map((d) => d.data()));
});

// Callable without an auth check: anyone can place an order.
export const placeOrder = onCall(async (request) => {
  await db.collection("orders").add(request.data);
  return { ok: true };
});

// Callable with an auth check.
export const myOrders = onCall({ maxInstances: 10 }, async (request) => {
  if (!request.auth) {
    throw new HttpsError("unauthenticated", "sign in first");
  }
  const snap = await db.collection("orders").where("uid", "==", request.auth.uid).get();
  return snap.docs.map((d) => d.data());
});

export const audit = onDocumentCreated("orders/{id}", async (event) => {
  await db.collection("audit").add({ order: event.params.id, at: Date.now() });
});
