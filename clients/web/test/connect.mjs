// The front door's Connect API through another implementation's client
// (@connectrpc/connect-node), in JSON and in binary: the same answers as the
// node's gRPC API, and errors as typed Connect errors.
//
//   node test/connect.mjs BASE_URL GRPC_ADDRESS
//
// BASE_URL is passportd's HTTP listener (--http-listen), GRPC_ADDRESS its
// gRPC listener. Needs `node build.mjs --lib` first.
import assert from "node:assert/strict";
import * as v from "../.build/lib.mjs";

const [base, grpcAddress] = process.argv.slice(2);
if (!base || !grpcAddress) {
  console.error("usage: node test/connect.mjs BASE_URL GRPC_ADDRESS");
  process.exit(2);
}
const clients = {
  json: v.createClient(v.Ledger, v.createConnectTransport({ baseUrl: base, httpVersion: "1.1" })),
  binary: v.createClient(v.Ledger, v.createConnectTransport({ baseUrl: base, httpVersion: "1.1", useBinaryFormat: true })),
  grpc: v.createClient(v.Ledger, v.createGrpcTransport({ baseUrl: `http://${grpcAddress}` })),
};

const checkpoints = {};
for (const [name, client] of Object.entries(clients)) {
  checkpoints[name] = (await client.getCheckpoint({})).checkpoint;
}
assert.match(checkpoints.grpc, /^localhost\/skillspassport\n/);
assert.equal(checkpoints.json, checkpoints.grpc, "Connect JSON and gRPC differ");
assert.equal(checkpoints.binary, checkpoints.grpc, "Connect binary and gRPC differ");

// A proof for a leaf beyond the log: the same typed error every way.
const codes = {};
for (const [name, client] of Object.entries(clients)) {
  await assert.rejects(client.getInclusionProof({ leaf: { case: "index", value: 1000n } }), (error) => {
    assert.ok(error instanceof v.ConnectError, `${name}: not a ConnectError`);
    codes[name] = v.Code[error.code];
    return true;
  });
}
assert.equal(codes.json, codes.grpc, "Connect JSON's error code differs from gRPC's");
assert.equal(codes.binary, codes.grpc, "Connect binary's error code differs from gRPC's");
console.log("connect: GetCheckpoint in JSON and binary equals gRPC's; errors are typed Connect errors");
