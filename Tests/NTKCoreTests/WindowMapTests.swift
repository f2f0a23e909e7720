import Foundation
import Testing

@testable import NTKCore

/// `WindowMap`'s table-driven copies (im2col, col2im, window sums and their adjoint) against
/// loops that place every window by index arithmetic, bit for bit: the references add in the
/// same order (output positions, then window offsets, then channels), so any change to what is
/// read, written or summed, or in which order, shows.
@Suite struct WindowMapTests {
    struct Geometry: CustomTestStringConvertible, Sendable {
        var h: Int, w: Int, fh: Int, fw: Int, sh: Int, sw: Int, padding: Padding
        var testDescription: String { "\(h)×\(w) window \(fh)×\(fw) strides \(sh),\(sw) \(padding.rawValue)" }
    }

    static let geometries: [Geometry] = [
        Geometry(h: 5, w: 4, fh: 2, fw: 3, sh: 2, sw: 1, padding: .valid),
        Geometry(h: 5, w: 4, fh: 3, fw: 2, sh: 1, sw: 2, padding: .same),
        Geometry(h: 4, w: 5, fh: 3, fw: 3, sh: 2, sw: 2, padding: .circular),
        Geometry(h: 3, w: 3, fh: 1, fw: 1, sh: 1, sw: 1, padding: .valid),
        Geometry(h: 2, w: 3, fh: 4, fw: 4, sh: 3, sw: 1, padding: .same)
    ]

    static let samples = 37
    static let channels = 3

    /// The input position output (oy, ox) reads at offset (dy, dx), or nil for a zero.
    static func read(_ g: Geometry, _ oy: Int, _ ox: Int, _ dy: Int, _ dx: Int) -> Int? {
        let top = g.padding.pads(g.h, window: g.fh, stride: g.sh).before
        let left = g.padding.pads(g.w, window: g.fw, stride: g.sw).before
        var y = oy * g.sh + dy - top
        var x = ox * g.sw + dx - left
        if g.padding == .circular {
            y = ((y % g.h) + g.h) % g.h
            x = ((x % g.w) + g.w) % g.w
        }
        return y >= 0 && y < g.h && x >= 0 && x < g.w ? y * g.w + x : nil
    }

    static func values(_ rows: Int, _ cols: Int, seed: Int) -> Matrix {
        Matrix(rows: rows, cols: cols) { i, j in sin(Double(seed + 7 * i + 3 * j)) * 1.7 + 0.1 * Double(j) }
    }

    static func map(_ g: Geometry) throws -> (WindowMap, oh: Int, ow: Int) {
        let map = try #require(
            WindowMap(
                height: g.h, width: g.w, windowHeight: g.fh, windowWidth: g.fw, strideHeight: g.sh,
                strideWidth: g.sw, padding: g.padding))
        return (map, map.outputHeight, map.outputWidth)
    }

    @Test(arguments: WindowMapTests.geometries)
    func patchesAndScatterAreIndexArithmetic(_ g: Geometry) throws {
        let (map, oh, ow) = try Self.map(g)
        let (n, c, window) = (Self.samples, Self.channels, g.fh * g.fw)
        let x = Self.values(n * g.h * g.w, c, seed: 1)
        var patches = Matrix(rows: n * oh * ow, cols: window * c)
        for a in 0..<n {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for dy in 0..<g.fh {
                        for dx in 0..<g.fw {
                            guard let s = Self.read(g, oy, ox, dy, dx) else { continue }
                            for j in 0..<c {
                                patches[(a * oh + oy) * ow + ox, (dy * g.fw + dx) * c + j] = x[a * g.h * g.w + s, j]
                            }
                        }
                    }
                }
            }
        }
        #expect(map.patches(x, samples: n) == patches)

        let p = Self.values(n * oh * ow, window * c, seed: 2)
        var scattered = Matrix(rows: n * g.h * g.w, cols: c)
        for a in 0..<n {
            for o in 0..<(oh * ow) {
                for k in 0..<window {
                    guard let s = Self.read(g, o / ow, o % ow, k / g.fw, k % g.fw) else { continue }
                    for j in 0..<c { scattered[a * g.h * g.w + s, j] += p[a * oh * ow + o, k * c + j] }
                }
            }
        }
        #expect(map.scatter(p, samples: n, channels: c) == scattered)
    }

    @Test(arguments: WindowMapTests.geometries)
    func windowSumsAndTheirAdjointAreIndexArithmetic(_ g: Geometry) throws {
        let (map, oh, ow) = try Self.map(g)
        let (n, c, window, scale) = (Self.samples, Self.channels, g.fh * g.fw, 1 / 3.0)
        let x = Self.values(n * g.h * g.w, c, seed: 3)
        var sums = Matrix(rows: n * oh * ow, cols: c)
        for a in 0..<n {
            for o in 0..<(oh * ow) {
                for k in 0..<window {
                    guard let s = Self.read(g, o / ow, o % ow, k / g.fw, k % g.fw) else { continue }
                    for j in 0..<c { sums[a * oh * ow + o, j] += x[a * g.h * g.w + s, j] }
                }
                for j in 0..<c { sums[a * oh * ow + o, j] *= scale }
            }
        }
        #expect(map.windowSums(x, samples: n, scale: scale) == sums)

        let cot = Self.values(n * oh * ow, c, seed: 4)
        var spread = Matrix(rows: n * g.h * g.w, cols: c)
        for a in 0..<n {
            for o in 0..<(oh * ow) {
                for k in 0..<window {
                    guard let s = Self.read(g, o / ow, o % ow, k / g.fw, k % g.fw) else { continue }
                    for j in 0..<c { spread[a * g.h * g.w + s, j] += scale * cot[a * oh * ow + o, j] }
                }
            }
        }
        #expect(map.spreadWindows(cot, samples: n, scale: scale) == spread)
    }

    /// A `VALID` window larger than the image has no map (LayerShapes refuses such layers first).
    @Test func aValidWindowThatDoesNotFitHasNoMap() {
        #expect(
            WindowMap(
                height: 2, width: 3, windowHeight: 3, windowWidth: 1, strideHeight: 1, strideWidth: 1,
                padding: .valid) == nil)
    }
}
