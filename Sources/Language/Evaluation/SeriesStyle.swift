import Foundation

/// How one series of a figure is drawn when the notebook says so (`color:`, `style:`, `width:`,
/// `marker:`); what it leaves nil the renderer picks. It lives with the language because the
/// builtins validate it: a colour must stay readable on the site's light and dark pages.
package struct SeriesStyle: Equatable, Sendable {
    /// `style:` of a line or band edge.
    package enum Dash: String, Sendable, CaseIterable { case solid, dashed, dotted }

    /// `marker:` at each point.
    package enum Marker: String, Sendable, CaseIterable { case none, circle, square, triangle, diamond, cross, plus }

    /// "#rrggbb", lower case.
    package var color: String?
    package var dash: Dash?
    /// A line's width, or a marker's size, in pixels.
    package var width: Double?
    package var marker: Marker?

    package init(color: String? = nil, dash: Dash? = nil, width: Double? = nil, marker: Marker? = nil) {
        self.color = color
        self.dash = dash
        self.width = width
        self.marker = marker
    }

    // MARK: Colours

    /// The series colours, in the order series take them: Okabe & Ito's colour-blind-safe hues,
    /// darkened where needed so that each keeps at least 3:1 contrast (WCAG 2.1, graphics)
    /// against both page backgrounds.
    package static let palette: [(name: String, hex: String)] = [
        ("blue", "#0072b2"), ("orange", "#d55e00"), ("green", "#009e73"), ("pink", "#c46a9e"),
        ("gold", "#a07000"), ("purple", "#8a6fdf"), ("gray", "#7a7a7a")
    ]

    /// The site's page backgrounds, light and dark (GitHub's, where the write-back is read).
    package static let backgrounds = (light: "#ffffff", dark: "#0d1117")

    /// The least contrast a series colour keeps against either background.
    package static let minimumContrast = 3.0

    /// "#rrggbb" for a palette name or a hex colour ("#abc" or "#aabbcc"); nil when it is neither.
    package static func hex(forColor text: String) -> String? {
        let t = text.lowercased()
        if let named = palette.first(where: { $0.name == t || ($0.name == "gray" && t == "grey") }) {
            return named.hex
        }
        guard t.hasPrefix("#"), t.dropFirst().allSatisfy(\.isHexDigit) else { return nil }
        let digits = Array(t.dropFirst())
        if digits.count == 3 { return "#" + String(digits.flatMap { [$0, $0] }) }
        return digits.count == 6 ? t : nil
    }

    /// WCAG 2.1 contrast ratio of two "#rrggbb" colours (1…21).
    package static func contrast(_ a: String, _ b: String) -> Double {
        let la = luminance(a)
        let lb = luminance(b)
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }

    /// WCAG 2.1 relative luminance of "#rrggbb".
    static func luminance(_ hex: String) -> Double {
        let digits = Array(hex.dropFirst())
        guard digits.count == 6 else { return 0 }
        func channel(_ k: Int) -> Double {
            let c = Double(Int(String(digits[2 * k...2 * k + 1]), radix: 16) ?? 0) / 255
            return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
    }
}
