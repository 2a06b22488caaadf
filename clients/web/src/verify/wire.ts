// Parses protobuf bytes into the generated message types, by the rules of
// protobuf's C++ ParseFromString, which the C++ verifier uses.
//
// Why not @bufbuild/protobuf's fromBinary: it is more lenient than C++ in
// ways a corrupted byte can reach. It reads a known field whatever its wire
// type (C++ keeps a field with the wrong wire type as an unknown field), and
// lets a field run past the end of the message that contains it (an error in
// C++). A verifier that parses differently gives a different verdict on the
// same bytes, so this walks the wire format itself and uses the generated
// descriptors (via reflection) only to know the fields.

import { ScalarType, type DescField, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { reflect, type ReflectList, type ReflectMessage } from "@bufbuild/protobuf/reflect";

class ParseError extends Error {}

const VARINT = 0, I64 = 1, LEN = 2, SGROUP = 3, EGROUP = 4, I32 = 5;
const MAX_DEPTH = 100; // C++'s default recursion limit
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array, public end = buf.length) {}

  varint(maxBytes = 10): bigint {
    let value = 0n;
    for (let i = 0; i < maxBytes; i++) {
      if (this.pos >= this.end) throw new ParseError("truncated varint");
      const b = this.buf[this.pos++];
      value |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) return value;
    }
    throw new ParseError("varint too long");
  }

  take(n: number): Uint8Array {
    if (n > this.end - this.pos) throw new ParseError("field runs past its message");
    this.pos += n;
    return this.buf.subarray(this.pos - n, this.pos);
  }

  // A length prefix: at most 5 bytes and below 2^31, as C++ reads sizes.
  length(): number {
    const n = this.varint(5);
    if (n > 0x7fffffffn) throw new ParseError("length too large");
    return Number(n);
  }

  // C++ reads a tag as a varint of at most 5 bytes and keeps its low 32
  // bits (ReadTagFallback drops what overflows): a large 5th byte is no error.
  tag(): [number, number] {
    const tag = this.varint(5) & 0xffffffffn;
    const field = Number(tag >> 3n), wire = Number(tag & 7n);
    if (field === 0 || wire > 5) throw new ParseError("invalid tag");
    return [field, wire];
  }

  // Skips an unknown field's value.
  skip(field: number, wire: number, depth: number): void {
    switch (wire) {
      case VARINT: this.varint(); return;
      case I64: this.take(8); return;
      case I32: this.take(4); return;
      case LEN: this.take(this.length()); return;
      case SGROUP:
        if (depth >= MAX_DEPTH) throw new ParseError("nested too deeply");
        for (;;) {
          const [f, w] = this.tag();
          if (w === EGROUP) {
            if (f !== field) throw new ParseError("mismatched end of group");
            return;
          }
          this.skip(f, w, depth + 1);
        }
      default: throw new ParseError("unexpected end of group");
    }
  }
}

function wireTypeOf(scalar: ScalarType): number {
  switch (scalar) {
    case ScalarType.STRING: case ScalarType.BYTES: return LEN;
    case ScalarType.DOUBLE: case ScalarType.FIXED64: case ScalarType.SFIXED64: return I64;
    case ScalarType.FLOAT: case ScalarType.FIXED32: case ScalarType.SFIXED32: return I32;
    default: return VARINT;
  }
}

function signed(v: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, v);
}

function fixed(r: Reader, n: number): DataView {
  const b = r.take(n);
  return new DataView(b.buffer, b.byteOffset, n);
}

function readScalar(r: Reader, scalar: ScalarType): unknown {
  switch (scalar) {
    case ScalarType.STRING:
      try {
        return strictUtf8.decode(r.take(r.length()));
      } catch (e) {
        if (e instanceof ParseError) throw e;
        throw new ParseError("string is not UTF-8");
      }
    case ScalarType.BYTES: return r.take(r.length());
    case ScalarType.BOOL: return r.varint() !== 0n;
    case ScalarType.INT32: return Number(signed(r.varint(), 32));
    case ScalarType.UINT32: return Number(BigInt.asUintN(32, r.varint()));
    case ScalarType.SINT32: case ScalarType.SINT64: {
      const v = BigInt.asUintN(64, r.varint());
      const z = signed((v >> 1n) ^ -(v & 1n), 64);
      return scalar === ScalarType.SINT32 ? Number(signed(z, 32)) : z;
    }
    case ScalarType.INT64: return signed(r.varint(), 64);
    case ScalarType.UINT64: return BigInt.asUintN(64, r.varint());
    case ScalarType.FIXED32: return fixed(r, 4).getUint32(0, true);
    case ScalarType.SFIXED32: return fixed(r, 4).getInt32(0, true);
    case ScalarType.FLOAT: return fixed(r, 4).getFloat32(0, true);
    case ScalarType.FIXED64: return fixed(r, 8).getBigUint64(0, true);
    case ScalarType.SFIXED64: return fixed(r, 8).getBigInt64(0, true);
    case ScalarType.DOUBLE: return fixed(r, 8).getFloat64(0, true);
  }
}

function readInto(msg: ReflectMessage, r: Reader, depth: number): void {
  if (depth > MAX_DEPTH) throw new ParseError("nested too deeply");
  while (r.pos < r.end) {
    const [number, wire] = r.tag();
    const field = msg.findNumber(number);
    if (!field || !readField(msg, field, wire, r, depth)) r.skip(number, wire, depth);
  }
}

// Reads a known field; false if its wire type makes it an unknown field.
function readField(msg: ReflectMessage, field: DescField, wire: number, r: Reader, depth: number): boolean {
  const subMessage = (desc: DescMessage, into?: ReflectMessage) => {
    const sub = into ?? reflect(desc);
    const length = r.length();
    const end = r.end;
    r.end = r.pos + length;
    if (r.end > end) throw new ParseError("message runs past its parent");
    readInto(sub, r, depth + 1);
    r.end = end;
    return sub;
  };
  switch (field.fieldKind) {
    case "scalar":
    case "enum": {
      const scalar = field.fieldKind === "enum" ? ScalarType.INT32 : field.scalar;
      if (wire !== wireTypeOf(scalar)) return false;
      msg.set(field, readScalar(r, scalar));
      return true;
    }
    case "message": {
      if (wire !== LEN) return false;
      const existing = msg.isSet(field) ? (msg.get(field) as ReflectMessage) : undefined;
      msg.set(field, subMessage(field.message, existing)); // a repeat merges, as in C++
      return true;
    }
    case "list": {
      const list = msg.get(field) as ReflectList;
      if (field.listKind === "message") {
        if (wire !== LEN) return false;
        list.add(subMessage(field.message));
        return true;
      }
      const scalar = field.listKind === "enum" ? ScalarType.INT32 : field.scalar;
      const want = wireTypeOf(scalar);
      if (wire === want) {
        list.add(readScalar(r, scalar));
      } else if (wire === LEN && want !== LEN) {
        // Packed: values one after another up to the length.
        const length = r.length();
        const end = r.end;
        r.end = r.pos + length;
        if (r.end > end) throw new ParseError("packed field runs past its message");
        while (r.pos < r.end) list.add(readScalar(r, scalar));
        r.end = end;
      } else {
        return false;
      }
      return true;
    }
    case "map":
      throw new ParseError("map fields are not used by these messages");
  }
}

// The message `bytes` encode, or undefined if they do not parse. Byte fields
// are views into `bytes`: signed bytes stay exactly as received.
export function parse<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array): MessageShape<Desc> | undefined {
  const msg = reflect(schema);
  try {
    readInto(msg, new Reader(bytes), 0);
  } catch (e) {
    if (e instanceof ParseError) return undefined;
    throw e;
  }
  return msg.message as MessageShape<Desc>;
}
