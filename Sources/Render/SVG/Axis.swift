import Foundation

/// One axis of a plot: its scale, its range in data units and its ticks at "nice" values
/// (1, 2 or 5 × 10^k steps in the manner of Heckbert's "Nice numbers for graph labels" and
/// matplotlib's MaxNLocator, or powers of ten on a log scale).
struct Axis: Equatable {
    enum Scale: Equatable { case linear, log }

    /// A labelled tick. A log axis labels 10^k as `label` "10" with `exponent` "k" (drawn as a
    /// superscript); a linear axis has no exponent.
    struct Tick: Equatable {
        var value: Double
        var label: String
        var exponent: String? = nil

        /// The label as plain text ("10^-3" for a power of ten), for descriptions and tests.
        var text: String { exponent.map { label + "^" + $0.replacingOccurrences(of: "\u{2212}", with: "-") } ?? label }
    }

    var scale: Scale
    /// The ends of the axis, in data units; the first and last major ticks on a linear axis.
    var lower: Double
    var upper: Double
    var ticks: [Tick]
    /// Unlabelled ticks (2…9 × 10^k on a log axis).
    var minorTicks: [Double] = []
    /// When the ticks share many leading digits (say 2000.0002, 2000.0004, …), their labels
    /// show the difference from this value ("+2000"), written once at the end of the axis.
    var offset: String? = nil

    /// Where `v` falls along the axis: 0 at `lower`, 1 at `upper` (outside [0, 1] for values
    /// outside the range; NaN for values a log axis cannot show).
    func fraction(_ v: Double) -> Double {
        switch scale {
        case .linear:
            // Halves keep the difference finite for ranges near ±Double.greatestFiniteMagnitude.
            let span = upper / 2 - lower / 2
            return span > 0 ? (v / 2 - lower / 2) / span : 0.5
        case .log:
            guard v > 0 else { return .nan }
            let a = log10(lower)
            let b = log10(upper)
            return b > a ? (log10(v) - a) / (b - a) : 0.5
        }
    }

    // MARK: Linear

    /// A linear axis covering [`lo`, `hi`] whose ends are ticks ("loose" labelling): the
    /// smallest nice step that gives at most `maxTicks` ticks (4–8 for the default).
    /// A degenerate range (one value, or no finite value) is widened around it.
    static func linear(_ lo: Double, _ hi: Double, maxTicks: Int = 8) -> Axis {
        let (lo, hi) = widened(lo, hi)
        let maxTicks = max(maxTicks, 2)
        var step = NiceStep.first(forSpan: hi / 2 - lo / 2, parts: maxTicks)
        while true {
            let i0 = Int(floor(lo / step.value + 1e-9))
            let i1 = Int(ceil(hi / step.value - 1e-9))
            if i1 - i0 + 1 <= maxTicks {
                let (ticks, offset) = step.ticks(i0, i1)
                let lower = ticks.first?.value ?? lo
                let upper = ticks.last?.value ?? hi
                return Axis(scale: .linear, lower: min(lower, lo), upper: max(upper, hi), ticks: ticks, offset: offset)
            }
            step = step.next
        }
    }

    /// Nice ticks inside [`lo`, `hi`] only ("tight" labelling, for a colour bar or index axis):
    /// the smallest nice step giving at most `maxTicks`; `integers` keeps steps ≥ 1.
    static func innerTicks(_ lo: Double, _ hi: Double, maxTicks: Int, integers: Bool = false) -> [Tick] {
        guard lo.isFinite, hi.isFinite, lo <= hi else { return [] }
        if hi / 2 - lo / 2 <= max(abs(lo), abs(hi)) * 0.5e-12 || hi - lo < 1e-290 {
            return [NiceStep.label(lo)]
        }
        let maxTicks = max(maxTicks, 2)
        var step = NiceStep.first(forSpan: hi / 2 - lo / 2, parts: maxTicks)
        if integers && step.exponent < 0 { step = NiceStep(mantissa: 1, exponent: 0) }
        while true {
            let i0 = Int(ceil(lo / step.value - 1e-9))
            let i1 = Int(floor(hi / step.value + 1e-9))
            if i1 - i0 + 1 <= maxTicks {
                return i1 < i0 ? [] : step.ticks(i0, i1, allowOffset: false).ticks
            }
            step = step.next
        }
    }

    /// A finite range with room for nice steps: NaN or infinite ends are replaced, and a
    /// range narrower than 10⁻¹² of its magnitude is widened by 10 % (by 1 around zero).
    private static func widened(_ lo: Double, _ hi: Double) -> (Double, Double) {
        var lo = lo.isFinite ? lo : (hi.isFinite ? hi : 0)
        var hi = hi.isFinite ? hi : lo
        if lo > hi { swap(&lo, &hi) }
        let magnitude = max(abs(lo), abs(hi))
        if hi / 2 - lo / 2 <= magnitude * 0.5e-12 || hi - lo < 1e-290 {
            let mid = lo / 2 + hi / 2
            let half = abs(mid) > 1e-290 ? abs(mid) * 0.1 : 1
            return (mid - half, mid + half)
        }
        return (lo, hi)
    }

    // MARK: Log

    /// A log axis covering [`lo`, `hi`] (both > 0) from one power of ten to another, with
    /// ticks at powers of ten (every d-th decade when there are more than `maxTicks`) and
    /// minor ticks at 2…9 × 10^k when every decade is labelled.
    static func log(_ lo: Double, _ hi: Double, maxTicks: Int = 8) -> Axis {
        var lo = lo.isFinite && lo > 0 ? lo : 1
        var hi = hi.isFinite && hi > 0 ? hi : lo
        if lo > hi { swap(&lo, &hi) }
        lo = max(lo, 1e-300)
        hi = min(hi, 1e300)
        var a = Int(floor(log10(lo) + 1e-9))
        var b = Int(ceil(log10(hi) - 1e-9))
        if a >= b {
            a -= 1
            b = a + 2
        }
        // The smallest decade stride whose aligned ticks number at most maxTicks.
        var stride = 1
        while (ceilDiv(b, stride) - floorDiv(a, stride)) + 1 > max(maxTicks, 2) { stride += 1 }
        a = max(floorDiv(a, stride) * stride, -307)
        b = min(ceilDiv(b, stride) * stride, 307)
        let ticks = Swift.stride(from: a, through: b, by: stride).map { k in
            Tick(value: powerOfTen(k), label: "10", exponent: k < 0 ? "\u{2212}\(-k)" : "\(k)")
        }
        var minor: [Double] = []
        if stride == 1 && b - a <= 8 {
            for k in a..<b { for m in 2...9 { minor.append(Double(m) * powerOfTen(k)) } }
        } else if stride > 1 {
            for k in a..<b where (k - a) % stride != 0 { minor.append(powerOfTen(k)) }
        }
        return Axis(scale: .log, lower: powerOfTen(a), upper: powerOfTen(b), ticks: ticks, minorTicks: minor)
    }

    /// An axis from exactly `lo` to `hi` (the notebook's `xlim`/`ylim`, `lo < hi`, both > 0 on
    /// a log axis) with nice ticks inside: at most `maxTicks` multiples of a nice step, or powers
    /// of ten (the ends themselves when no power of ten falls inside).
    static func fixed(_ lo: Double, _ hi: Double, log: Bool, maxTicks: Int) -> Axis {
        guard log else {
            return Axis(scale: .linear, lower: lo, upper: hi, ticks: innerTicks(lo, hi, maxTicks: maxTicks))
        }
        let a = Int(ceil(log10(lo) - 1e-9))
        let b = Int(floor(log10(hi) + 1e-9))
        guard a <= b else {
            return Axis(scale: .log, lower: lo, upper: hi, ticks: [NiceStep.label(lo), NiceStep.label(hi)])
        }
        var stride = 1
        while (b - a) / stride + 1 > max(maxTicks, 2) { stride += 1 }
        let ticks = Swift.stride(from: a, through: b, by: stride).map { k in
            Tick(value: powerOfTen(k), label: "10", exponent: k < 0 ? "\u{2212}\(-k)" : "\(k)")
        }
        var minor: [Double] = []
        if stride == 1 && b - a <= 8 {
            for k in (a - 1)...b {
                for m in 2...9 where Double(m) * powerOfTen(k) >= lo && Double(m) * powerOfTen(k) <= hi {
                    minor.append(Double(m) * powerOfTen(k))
                }
            }
        }
        return Axis(scale: .log, lower: lo, upper: hi, ticks: ticks, minorTicks: minor)
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int { Int(floor(Double(a) / Double(b))) }
    private static func ceilDiv(_ a: Int, _ b: Int) -> Int { Int(ceil(Double(a) / Double(b))) }

    /// 10^k, correctly rounded for |k| ≤ 22 (and as close as `pow` gets beyond).
    static func powerOfTen(_ k: Int) -> Double {
        k >= 0 ? pow(10, Double(k)) : 1 / pow(10, Double(-k))
    }
}

/// A step of the form m × 10^e with m ∈ {1, 2, 5}, whose multiples are computed from integers
/// so that ticks print as the decimals they are meant to be (3 × 0.2 gives 0.6, not 0.6000…1).
struct NiceStep: Equatable {
    var mantissa: Int
    var exponent: Int

    var value: Double { Double(mantissa) * Axis.powerOfTen(exponent) }

    /// The next larger nice step: 1 → 2 → 5 → 10 → …
    var next: NiceStep {
        switch mantissa {
        case 1: NiceStep(mantissa: 2, exponent: exponent)
        case 2: NiceStep(mantissa: 5, exponent: exponent)
        default: NiceStep(mantissa: 1, exponent: exponent + 1)
        }
    }

    /// `units` × 10^`exponent`, correctly rounded (for |exponent| ≤ 22).
    static func decimal(_ units: Int, _ exponent: Int) -> Double {
        exponent >= 0 ? Double(units) * Axis.powerOfTen(exponent) : Double(units) / Axis.powerOfTen(-exponent)
    }

    /// The multiples i0…i1 of the step as labelled ticks (non-finite ones left out), labelled
    /// in one style for the whole axis. With `allowOffset`, ticks that would need more than
    /// five significant digits are labelled relative to a round offset, returned as "+2000".
    func ticks(_ i0: Int, _ i1: Int, allowOffset: Bool = true) -> (ticks: [Axis.Tick], offset: String?) {
        let units = (i0...i1).map { $0 * mantissa }
        let values = units.map { Self.decimal($0, exponent) }
        let largest = values.filter(\.isFinite).map(abs).max() ?? 0
        let digits = largest > 0 ? Int(floor(log10(largest))) - exponent : 0
        var offsetUnits = 0
        if allowOffset && digits >= 5 && units.count > 1 && (units[0] > 0 || units[units.count - 1] < 0) {
            // The roundest number among the ticks' range (the multiple of the highest power
            // of ten that falls in it): the labels keep the few digits that vary.
            let first = units[0]
            let last = units[units.count - 1]
            var power = 1_000_000_000_000_000_000
            while power > 1 {
                let multiple = first >= 0 ? (first + power - 1) / power * power : -((-first) / power * power)
                if multiple <= last { break }
                power /= 10
            }
            offsetUnits = first >= 0 ? (first + power - 1) / power * power : -((-first) / power * power)
        }
        let labels = SVGWriter.tickLabels(
            units.map { Self.decimal($0 - offsetUnits, exponent) }, stepExponent: exponent)
        let ticks = zip(values, labels).filter { $0.0.isFinite }.map { Axis.Tick(value: $0.0, label: $0.1) }
        guard offsetUnits != 0 else { return (ticks, nil) }
        let offset = Self.decimal(offsetUnits, exponent)
        return (ticks, (offset < 0 ? "-" : "+") + SVGWriter.shortest(abs(offset)))
    }

    /// A step somewhat below span / parts (`halfSpan` is half the span), from which
    /// `next` climbs to the first that fits.
    static func first(forSpan halfSpan: Double, parts: Int) -> NiceStep {
        let rough = halfSpan / Double(parts) * 2
        let e = rough > 0 && rough.isFinite ? Int(floor(log10(rough))) - 1 : 0
        return NiceStep(mantissa: 1, exponent: min(max(e, -320), 307))
    }

    /// A lone value's tick, labelled as briefly as it reads back.
    static func label(_ v: Double) -> Axis.Tick {
        Axis.Tick(value: v, label: SVGWriter.shortest(v))
    }
}
