import Foundation

/// Hand-encodes tiny ONNX models (protobuf) for tests that need a model no file provides, such as
/// one with float16 tensors or integer (token id) inputs. Only the handful of ModelProto fields
/// these models use are written.
enum TinyOnnxModel {
    /// Input `x`: float16 [count]. Outputs `same`: Identity(x), float16; `widened`: Cast(x, to: float).
    static func float16PassThrough(count: Int) -> Data {
        let float16 = 10, float = 1
        let identity = message([string(1, "x"), string(2, "same"), string(4, "Identity")])
        let castTo = message([string(1, "to"), varint(3, float), varint(20, 2)])  // AttributeProto type INT = 2
        let cast = message([string(1, "x"), string(2, "widened"), string(4, "Cast"), field(5, castTo)])
        let graph = message([
            field(1, identity), field(1, cast), string(2, "float16_pass_through"),
            field(11, valueInfo("x", float16, count)),
            field(12, valueInfo("same", float16, count)),
            field(12, valueInfo("widened", float, count)),
        ])
        let opset = message([string(1, ""), varint(2, 13)])
        return message([varint(1, 8), field(7, graph), field(8, opset)])  // ir_version 8, opset 13
    }

    /// ONNX element types the integer models use (TensorProto.DataType).
    enum IntegerType: Int {
        case int32 = 6, int64 = 7
    }

    /// The 5x2 float table `tokenEmbedding` looks rows up in, row by row.
    static let embeddingTable: [Float] = [0.5, -1, 1, 2, 2.5, 3, -4, 0.25, 10, 20]

    /// Integer inputs as a text encoder has them. Inputs `input_ids` [2, 3] (row indices into
    /// `embeddingTable`, negative counting from the end) and `positions` [3], both `idType`.
    /// Outputs `embeddings`: Gather(table, input_ids), float [2, 3, 2]; `doubled`:
    /// positions + positions, `idType` [3] (integer arithmetic done by ORT, read back as int64).
    static func tokenEmbedding(idType: IntegerType) -> Data {
        let float = 1
        let tableBytes = embeddingTable.reduce(into: Data()) { bytes, value in
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        // TensorProto: dims 5, 2; data_type float; name; raw_data (little-endian floats).
        let table = message([varint(1, 5), varint(1, 2), varint(2, float), string(8, "table"), field(9, tableBytes)])
        let gather = message([string(1, "table"), string(1, "input_ids"), string(2, "embeddings"), string(4, "Gather")])
        let add = message([string(1, "positions"), string(1, "positions"), string(2, "doubled"), string(4, "Add")])
        let graph = message([
            field(1, gather), field(1, add), string(2, "token_embedding"), field(5, table),
            field(11, valueInfo("input_ids", idType.rawValue, dimensions: [2, 3])),
            field(11, valueInfo("positions", idType.rawValue, dimensions: [3])),
            field(12, valueInfo("embeddings", float, dimensions: [2, 3, 2])),
            field(12, valueInfo("doubled", idType.rawValue, dimensions: [3])),
        ])
        let opset = message([string(1, ""), varint(2, 13)])
        return message([varint(1, 8), field(7, graph), field(8, opset)])  // ir_version 8, opset 13
    }

    private static func valueInfo(_ name: String, _ elementType: Int, _ count: Int) -> Data {
        valueInfo(name, elementType, dimensions: [count])
    }

    private static func valueInfo(_ name: String, _ elementType: Int, dimensions: [Int]) -> Data {
        let shape = message(dimensions.map { field(1, message([varint(1, $0)])) })  // TensorShapeProto.dim
        let tensorType = message([varint(1, elementType), field(2, shape)])  // TypeProto.Tensor
        return message([string(1, name), field(2, message([field(1, tensorType)]))])
    }

    private static func message(_ fields: [Data]) -> Data { fields.reduce(Data(), +) }

    private static func varint(_ number: Int, _ value: Int) -> Data { encode(UInt64(number << 3)) + encode(UInt64(value)) }

    private static func string(_ number: Int, _ value: String) -> Data { field(number, Data(value.utf8)) }

    /// A length-delimited field (wire type 2): nested message, string or bytes.
    private static func field(_ number: Int, _ payload: Data) -> Data {
        encode(UInt64(number << 3 | 2)) + encode(UInt64(payload.count)) + payload
    }

    private static func encode(_ value: UInt64) -> Data {
        var value = value, bytes = Data()
        repeat {
            let low = UInt8(value & 0x7F)
            value >>= 7
            bytes.append(value == 0 ? low : low | 0x80)
        } while value != 0
        return bytes
    }
}
