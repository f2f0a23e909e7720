import Language
import NTKCore
import TangentSupport

// The binary form of a block's outputs and diagnostics, as the block cache stores them and the
// kernel worker sends them. Decoding never traps: damaged bytes give nil.

extension DisplayItem {
    package func encode(into w: inout BinaryWriter) {
        switch self {
        case .value(let v, let caption, let range):
            w.u8(0)
            v.encode(into: &w)
            w.optionalString(caption)
            w.range(range)
        case .text(let s, let range):
            w.u8(1)
            w.string(s)
            w.range(range)
        case .figure(let f, let range):
            w.u8(2)
            w.optionalString(f.title)
            w.optionalString(f.xlabel)
            w.optionalString(f.ylabel)
            w.bool(f.logX)
            w.bool(f.logY)
            w.int(f.series.count)
            for s in f.series {
                w.string(s.kind.rawValue)
                w.doubles(s.x)
                w.doubles(s.y)
                w.optionalString(s.label)
                w.doubles(s.upper)
                w.optionalString(s.style.color)
                w.optionalString(s.style.dash?.rawValue)
                w.optionalDouble(s.style.width)
                w.optionalString(s.style.marker?.rawValue)
            }
            w.bool(f.heatmap != nil)
            if let h = f.heatmap { w.matrix(h) }
            for limits in [f.xlim, f.ylim] {
                w.bool(limits != nil)
                if let limits {
                    w.double(limits.lower)
                    w.double(limits.upper)
                }
            }
            w.optionalString(f.colorbarLabel)
            w.optionalString(f.id)
            w.optionalString(f.caption)
            w.range(range)
        }
    }

    package static func decode(from r: inout BinaryReader) -> DisplayItem? {
        guard let tag = r.u8() else { return nil }
        switch tag {
        case 0:
            guard let v = Value.decode(from: &r), let caption = r.optionalString(), let range = r.range() else {
                return nil
            }
            return .value(v, caption: caption, range: range)
        case 1:
            guard let s = r.string(), let range = r.range() else { return nil }
            return .text(s, range: range)
        case 2:
            guard let title = r.optionalString(), let xl = r.optionalString(), let yl = r.optionalString(),
                let logX = r.bool(), let logY = r.bool(), let n = r.count()
            else { return nil }
            var f = Figure(title: title, xlabel: xl, ylabel: yl)
            f.logX = logX
            f.logY = logY
            for _ in 0..<n {
                guard let kind = r.string().flatMap(Figure.SeriesKind.init(rawValue:)), let x = r.doubles(),
                    let y = r.doubles(), let label = r.optionalString(), let upper = r.doubles(),
                    let color = r.optionalString(), let dash = r.optionalString(), let width = r.optionalDouble(),
                    let marker = r.optionalString()
                else { return nil }
                // An unknown style name is a damaged entry, never a default look.
                let style = SeriesStyle(
                    color: color, dash: dash.flatMap(SeriesStyle.Dash.init(rawValue:)), width: width,
                    marker: marker.flatMap(SeriesStyle.Marker.init(rawValue:)))
                guard (dash == nil) == (style.dash == nil), (marker == nil) == (style.marker == nil),
                    color.map({ SeriesStyle.hex(forColor: $0) == $0 }) ?? true,
                    kind == .band ? upper.count == x.count : upper.isEmpty
                else { return nil }
                f.series.append(.init(kind: kind, x: x, y: y, label: label, upper: upper, style: style))
            }
            guard let hasHeat = r.bool() else { return nil }
            if hasHeat {
                guard let h = r.matrix() else { return nil }
                f.heatmap = h
            }
            var limits: [Figure.Limits?] = []
            for _ in 0..<2 {
                guard let has = r.bool() else { return nil }
                if has {
                    guard let lower = r.double(), let upper = r.double(), lower < upper else { return nil }
                    limits.append(Figure.Limits(lower, upper))
                } else {
                    limits.append(nil)
                }
            }
            (f.xlim, f.ylim) = (limits[0], limits[1])
            guard let colorbarLabel = r.optionalString(), let id = r.optionalString(), let caption = r.optionalString(),
                let range = r.range()
            else { return nil }
            (f.colorbarLabel, f.id, f.caption) = (colorbarLabel, id, caption)
            return .figure(f, range: range)
        default: return nil
        }
    }
}

extension Diagnostic {
    package func encode(into w: inout BinaryWriter) {
        w.string(severity.rawValue)
        w.string(message)
        w.range(range)
        w.int(notes.count)
        for n in notes {
            w.string(n.severity.rawValue)
            w.string(n.message)
            w.range(n.range)
        }
    }

    package static func decode(from r: inout BinaryReader) -> Diagnostic? {
        guard let s = r.string().flatMap(Severity.init(rawValue:)), let m = r.string(), let range = r.range(),
            let n = r.count(unit: 48)
        else { return nil }
        var d = Diagnostic(s, m, at: range)
        for _ in 0..<n {
            guard let ns = r.string().flatMap(Severity.init(rawValue:)), let nm = r.string(), let nr = r.range() else {
                return nil
            }
            d.notes.append(Diagnostic(ns, nm, at: nr))
        }
        return d
    }
}
