// Make a preview of each new receipt. It writes the preview into the bucket
// that triggers it, with no prefix filter: every preview triggers another run.
const { S3Client, GetObjectCommand, PutObjectCommand } = require("@aws-sdk/client-s3");

const s3 = new S3Client({});

exports.handler = async (event) => {
  for (const record of event.Records) {
    const bucket = record.s3.bucket.name;
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, " "));
    const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = await obj.Body.transformToString();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${key}.preview`, Body: text.slice(0, 200) }));
  }
};
