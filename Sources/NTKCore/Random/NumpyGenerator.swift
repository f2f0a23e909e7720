/// numpy.random.default_rng(seed), bit for bit.
///
/// It exists so that a Tangent notebook seeded like a Python tutorial draws the
/// very same numbers: SeedSequence → PCG64 → numpy's `Generator` methods
/// (`random`, `uniform`, `standard_normal`, `normal`), filling matrices in C
/// (row-major) order exactly as numpy fills an array of that shape.
public struct NumpyGenerator: Sendable {
    /// The underlying bit generator (numpy's `rng.bit_generator`).
    public private(set) var bitGenerator: PCG64
    /// The upper half of a 64-bit word whose lower half a 32-bit draw already used
    /// (numpy's `has_uint32` / `uinteger` in the bit generator's state).
    var bufferedUInt32: UInt32?

    /// `numpy.random.default_rng(seed)` for a non-negative integer seed.
    public init(seed: UInt64) {
        self.init(seedWords: SeedSequence.words(of: seed))
    }

    /// `default_rng(n)` for an integer `n` of any size, given as its 32-bit words,
    /// least significant first (what SeedSequence sees: e.g. `[0, 1]` for 2^32).
    public init(seedWords: [UInt32]) {
        bitGenerator = PCG64(seedSequence: SeedSequence(entropy: seedWords))
    }

    /// Wraps an already positioned bit generator.
    public init(bitGenerator: PCG64) {
        self.bitGenerator = bitGenerator
    }

    /// The next raw word (`rng.bit_generator.random_raw()`).
    public mutating func nextUInt64() -> UInt64 {
        bitGenerator.next()
    }

    /// `rng.random()`: a double in [0, 1) with 53 random bits.
    public mutating func nextDouble() -> Double {
        bitGenerator.nextDouble()
    }

    /// `rng.standard_normal()`.
    public mutating func nextStandardNormal() -> Double {
        Ziggurat.standardNormal(&bitGenerator)
    }

    /// `rng.uniform(low, high, (rows, cols))`: `low + (high - low) * random()`.
    /// With the defaults it equals `rng.random((rows, cols))` bit for bit.
    /// Like numpy, `high < low` and a non-finite `high - low` are errors.
    public mutating func uniform(rows: Int, cols: Int, low: Double = 0, high: Double = 1) -> Matrix {
        let range = high - low
        precondition(range.isFinite, "uniform: high - low range exceeds valid bounds")
        precondition(range.sign == .plus, "uniform: high - low < 0")
        return fill(rows: rows, cols: cols) { out, bits in
            for i in out.indices { out[i] = low + range * bits.nextDouble() }
        }
    }

    /// `rng.standard_normal((rows, cols))`.
    public mutating func standardNormal(rows: Int, cols: Int) -> Matrix {
        fill(rows: rows, cols: cols) { out, bits in
            Ziggurat.fillStandardNormal(&bits, out)
        }
    }

    /// `rng.normal(mean, std, (rows, cols))`: `mean + std * standard_normal()`.
    /// Like numpy, a negative `std` is an error (NaN passes through).
    public mutating func normal(rows: Int, cols: Int, mean: Double = 0, std: Double = 1) -> Matrix {
        // numpy rejects any std with the sign bit set (even -0.0) unless it is NaN.
        precondition(std.isNaN || std.sign == .plus, "normal: std < 0")
        return fill(rows: rows, cols: cols) { out, bits in
            Ziggurat.fillStandardNormal(&bits, out)
            for i in out.indices { out[i] = mean + std * out[i] }
        }
    }

    /// Allocates a rows×cols matrix and lets `body` write every entry in order.
    private mutating func fill(
        rows: Int, cols: Int,
        _ body: (UnsafeMutableBufferPointer<Double>, inout PCG64) -> Void
    ) -> Matrix {
        precondition(rows >= 0 && cols >= 0, "NumpyGenerator: negative shape \(rows)×\(cols)")
        let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
        precondition(!overflow, "NumpyGenerator: shape \(rows)×\(cols) is too large")
        var bits = bitGenerator
        let storage = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            buffer.initialize(repeating: 0)
            body(buffer, &bits)
            initialized = count
        }
        bitGenerator = bits
        return Matrix(rows: rows, cols: cols, storage: storage)
    }
}
