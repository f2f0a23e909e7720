import Foundation
import Testing

@testable import NTKCore

@Suite struct MatrixTests {
    @Test func matmulAgreesWithNaiveProduct() {
        let a = Matrix(rows: 3, cols: 4) { i, j in Double(i * 4 + j) - 5.5 }
        let b = Matrix(rows: 4, cols: 2) { i, j in Double(i) * 0.25 - Double(j) }
        let c = a.matmul(b)
        for i in 0..<3 {
            for j in 0..<2 {
                var s = 0.0
                for k in 0..<4 { s += a[i, k] * b[k, j] }
                #expect(c[i, j] == s)
            }
        }
        #expect(a.matmulTransposed(b.transposed) == c)
        #expect(a.transposed.transposedMatmul(b) == c)
    }

    @Test func gramIsSymmetricProduct() {
        let a = Matrix(rows: 5, cols: 3) { i, j in sin(Double(i + 2 * j)) }
        let g = a.gram()
        let ref = a.matmul(a.transposed)
        for k in 0..<25 { #expect(abs(g.storage[k] - ref.storage[k]) < 1e-14) }
    }

    @Test func broadcastingFollowsNumpy() {
        let col = Matrix(column: [1, 2, 3])
        let row = Matrix(rows: 1, cols: 2, storage: [10, 20])
        let s = Matrix.broadcast(col, row, +)
        #expect(s == Matrix(rowArrays: [[11, 21], [12, 22], [13, 23]]))
        #expect(Matrix.broadcastShape((3, 1), (2, 1)) == nil)
    }

    @Test func choleskyReconstructsAndRejectsIndefinite() throws {
        let a = Matrix(rowArrays: [[4, 2], [2, 3]])
        let l = try a.cholesky()
        #expect(l[0, 1] == 0)
        let back = l.matmul(l.transposed)
        for k in 0..<4 { #expect(abs(back.storage[k] - a.storage[k]) < 1e-14) }
        #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: 2)) {
            try Matrix(rowArrays: [[1, 2], [2, 1]]).cholesky()
        }
    }

    @Test func solveInverseDeterminant() throws {
        let a = Matrix(rowArrays: [[2, 1], [1, 3]])
        let x = try a.solve(Matrix(column: [3, 5]))
        #expect(abs(x[0, 0] - 0.8) < 1e-15 && abs(x[1, 0] - 1.4) < 1e-15)
        #expect(abs(try a.determinant() - 5) < 1e-14)
        let inv = try a.inverse()
        #expect(abs(inv[0, 0] - 0.6) < 1e-15)
        #expect(throws: LinearAlgebraError.singular(pivot: 2)) {
            try Matrix(rowArrays: [[1, 2], [2, 4]]).solve(Matrix(column: [1, 1]))
        }
        #expect(try Matrix(rowArrays: [[1, 2], [2, 4]]).determinant() == 0)
        let swap = Matrix(rowArrays: [[0, 1], [1, 0]])
        #expect(try swap.determinant() == -1)
    }

    @Test func eigenvaluesAscending() throws {
        let a = Matrix(rowArrays: [[2, 1], [1, 2]])
        let w = try a.symmetricEigenvalues()
        #expect(abs(w[0] - 1) < 1e-14 && abs(w[1] - 3) < 1e-14)
    }
}
