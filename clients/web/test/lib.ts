// What the Node tests import (bundled by `node build.mjs --lib` into
// .build/lib.mjs): the verifier, the generated message types and the
// @bufbuild/protobuf functions to make and print them.
export * from "../src/verify/index.js";
export * from "../src/gen/skillspassport/v1/passport_pb.js";
export * from "../src/gen/skillspassport/v1/records_pb.js";
export { Ledger } from "../src/gen/skillspassport/v1/ledger_pb.js";
export { Dimension, Workforce } from "../src/gen/skillspassport/v1/workforce_pb.js";
export { create, fromBinary, toBinary, toJson } from "@bufbuild/protobuf";
// The node's gRPC API (the agreement test's third opinion), and its Connect
// gateway as another implementation's client sees it (test/connect.mjs).
export { Code, ConnectError, createClient } from "@connectrpc/connect";
export { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
// The browser's signer, run in Node's WebCrypto (test/signer.mjs).
export * from "../src/sign/index.js";
export { toJsonString } from "@bufbuild/protobuf";
// The ASC-WDS bulk-upload files the desk makes (no DOM, no API), and CSV text.
export * as ascwds from "../src/pages/ascwds.js";
export { csvText, rows as csvRows } from "../src/pages/reference.js";
