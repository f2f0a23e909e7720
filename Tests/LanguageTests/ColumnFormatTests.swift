import NTKCore
import Testing

@testable import Language

/// A `table(...)` column prints every number in one style with one precision.
@Suite struct ColumnFormatTests {
    private func column(_ values: [Double]) -> [String] {
        let f = ColumnFormat.choose(values)
        return values.map(f.text)
    }

    @Test func wholeNumbersPrintAsIntegers() {
        #expect(column([16, 64, 1024, 0, -3]) == ["16", "64", "1024", "0", "-3"])
        #expect(column([0, 0]) == ["0", "0"])
    }

    @Test func decimalsAreSharedByTheWholeColumn() {
        #expect(column([0.25, 0.125]) == ["0.250", "0.125"])
        #expect(column([0.1, 0.2, 0.5, 1, 2, 100]) == ["0.1", "0.2", "0.5", "1.0", "2.0", "100.0"])
        // Six significant digits for the largest magnitude, the same decimals below it.
        #expect(column([0.288977771954496, 0.0060027719526753575]) == ["0.288978", "0.006003"])
        #expect(column([1234.56789, 1]) == ["1234.57", "1.00"])
        // A value that rounds to zero has no sign.
        #expect(column([0.5, -1e-9 * 0]) == ["0.5", "0.0"])
    }

    @Test func zeroNeverSitsInAnotherStyleThanItsColumn() {
        // The case the issue names: `0` above `1.0000e-06`.
        let texts = column([0, 1e-6, 2.5e-6])
        #expect(texts == ["0.0e+00", "1.0e-06", "2.5e-06"])
        let styles = Set(texts.map { $0.contains("e") })
        #expect(styles.count == 1)
    }

    @Test func scientificWhenMagnitudesAreTooFarApart() {
        // 1000 and 0.001 cannot both keep three significant digits with one number of decimals.
        #expect(column([1000, 0.001]) == ["1.0e+03", "1.0e-03"])
        #expect(column([1.5e7, 2.5]) == ["1.5e+07", "2.5e+00"])
        #expect(column([1.23456e-5, 1]) == ["1.2346e-05", "1.0000e+00"])
    }

    @Test func nonFiniteValuesKeepTheirNames() {
        #expect(column([.nan, 0.5, .infinity, -.infinity]) == ["nan", "0.5", "inf", "-inf"])
        #expect(column([.nan, 3]) == ["nan", "3"])
    }

    @Test func theTableUsesOneStylePerColumn() {
        let t = Table(matrix: Matrix(rowArrays: [[1, 0], [2, 1e-6]]), columns: ["n", "error"])
        #expect(t.cells == [["1", "0.0e+00"], ["2", "1.0e-06"]])
        #expect(t.text == "n    error\n1  0.0e+00\n2  1.0e-06")
    }
}
