import Foundation
import NTKCore
import Testing

@testable import Language

@Suite struct BroadcastingTests {
    @Test func columnPlusRowIsOuterSum() throws {
        let m = try matrix("c = [[1], [2], [3]]\nr = c + [[10, 20]]")
        #expect(m == Matrix(rowArrays: [[11, 21], [12, 22], [13, 23]]))
    }

    @Test func scalarsBroadcastEverywhere() throws {
        #expect(try matrix("r = 2 * [[1, 2], [3, 4]] - 1") == Matrix(rowArrays: [[1, 3], [5, 7]]))
        #expect(try matrix("r = [[1, 2]] ^ 2 / 2") == Matrix(rowArrays: [[0.5, 2]]))
        #expect(try number("r = 2 ^ 3 ^ 2") == 512)
        #expect(try number("r = -2 ^ 2") == -4)
    }

    @Test func numberListsAreColumns() throws {
        #expect(try matrix("r = [1, 2, 3] * 2") == Matrix(column: [2, 4, 6]))
        guard case .list = try value("r = [1, 2, 3]") else {
            Issue.record("a list literal stays a list")
            return
        }
    }

    @Test func incompatibleShapesNameBothShapes() throws {
        let d = try #require(diagnostic("A = zeros(3, 2)\nB = ones(4, 1)\nC = A + B"))
        #expect(d.message == "shapes 3×2 and 4×1 cannot be broadcast together for '+'")
        #expect(d.range.start == SourceLocation(line: 3, column: 7))
    }

    @Test func matmulChecksInnerDimension() throws {
        #expect(try matrix("r = [[1, 2]] @ [[3], [4]]") == Matrix(rowArrays: [[11]]))
        let d = try #require(diagnostic("r = zeros(2, 3) @ zeros(2, 3)"))
        #expect(d.message.contains("2×3 and 2×3 do not match for '@'"))
        #expect(diagnostic("r = 2 @ 3")?.message.contains("'@' needs matrices") == true)
    }

    @Test func comparisonsOfMatricesAreMasks() throws {
        #expect(try matrix("r = [[1, 2]] < [[2, 2]]") == Matrix(rowArrays: [[1, 0]]))
        #expect(try matrix("r = [[1, 5]] < 3") == Matrix(rowArrays: [[1, 0]]))
        #expect(try matrix("r = 0 < [[0.5, 2]] < 1") == Matrix(rowArrays: [[1, 0]]))
        guard case .bool(true) = try value("r = 0 < 0.5 < 1") else {
            Issue.record("chained")
            return
        }
        guard case .bool(false) = try value("r = 0 < 2 < 1") else {
            Issue.record("chained false")
            return
        }
        guard case .bool(true) = try value("r = \"relu\" == \"relu\" and none == none") else {
            Issue.record("eq")
            return
        }
        // In a boolean context a mask is true only when every entry is non-zero.
        guard case .bool(true) = try value("r = [[1, 2]] < [[2, 3]] and true") else {
            Issue.record("all less")
            return
        }
        guard case .bool(true) = try value("r = not ([[1, 5]] < 3)") else {
            Issue.record("not of a partly false mask")
            return
        }
        #expect(diagnostic("expect [[1, 5]] < 3")?.message.hasPrefix("expectation failed") == true)
        #expect(diagnostic("expect [[1, 2]] < 3") == nil)
    }

    @Test func logicRequiresBools() throws {
        #expect(diagnostic("r = 1 and true")?.message == "'and' needs true or false, got a number")
        guard case .bool(true) = try value("r = not false or 1 > 2") else {
            Issue.record("logic")
            return
        }
    }

    @Test func transposeAndStringConcatenation() throws {
        #expect(try matrix("r = [[1, 2, 3]].T") == Matrix(column: [1, 2, 3]))
        #expect(try value("r = \"a\" + \"b\"") == .string("ab"))
    }
}

@Suite struct IndexingTests {
    let setup = "A = reshape(linspace(0, 11, 12), 3, 4)\nv = linspace(0, 4, 5)\n"

    @Test func elementsAndNegativeIndices() throws {
        #expect(try number(setup + "r = A[1, 2]") == 6)
        #expect(try number(setup + "r = A[-1, -1]") == 11)
        #expect(try number(setup + "r = v[3]") == 3)
        #expect(try number(setup + "r = v.T[-2]") == 3)
    }

    @Test func slicesFollowNumpy() throws {
        #expect(try matrix(setup + "r = A[0:2, :]") == Matrix(rowArrays: [[0, 1, 2, 3], [4, 5, 6, 7]]))
        #expect(try matrix(setup + "r = A[:, 1]") == Matrix(column: [1, 5, 9]))
        #expect(try matrix(setup + "r = A[1, :]") == Matrix(rowArrays: [[4, 5, 6, 7]]))
        #expect(try matrix(setup + "r = A[1]") == Matrix(rowArrays: [[4, 5, 6, 7]]))
        #expect(try matrix(setup + "r = v[::-1]") == Matrix(column: [4, 3, 2, 1, 0]))
        #expect(try matrix(setup + "r = v[1:100]") == Matrix(column: [1, 2, 3, 4]))
        #expect(try matrix(setup + "r = v[-2:]") == Matrix(column: [3, 4]))
        #expect(try matrix(setup + "r = v[3:1]") == Matrix(rows: 0, cols: 1))
        #expect(try matrix(setup + "r = v[::2]") == Matrix(column: [0, 2, 4]))
        #expect(try matrix(setup + "r = v[3:0:-1]") == Matrix(column: [3, 2, 1]))
    }

    @Test(
        arguments: [
            (0, 5, 1), (nil, nil, -1), (-1, nil, -1), (nil, -6, -1), (4, -10, -2), (-100, 100, 3), (2, 2, 1)
        ] as [(Int?, Int?, Int)])
    func sliceIndicesMatchPython(start: Int?, stop: Int?, step: Int) {
        // Python's range(*slice(start, stop, step).indices(5)), written out.
        let expected: [Int]
        switch (start, stop, step) {
        case (0, 5, 1): expected = [0, 1, 2, 3, 4]
        case (nil, nil, -1): expected = [4, 3, 2, 1, 0]
        case (-1, nil, -1): expected = [4, 3, 2, 1, 0]
        case (nil, -6, -1): expected = [4, 3, 2, 1, 0]
        case (4, -10, -2): expected = [4, 2, 0]
        case (-100, 100, 3): expected = [0, 3]
        default: expected = []
        }
        #expect(Evaluator.sliceIndices(start: start, stop: stop, step: step, size: 5) == expected)
    }

    @Test func outOfRangeIsLocated() throws {
        let d = try #require(diagnostic(setup + "r = A[3, 0]"))
        #expect(d.message == "index 3 is out of range for a 3×4 matrix (axis 0) (valid: -3 to 2)")
        #expect(d.range.start == SourceLocation(line: 3, column: 7))
        #expect(diagnostic(setup + "r = A[0, 0, 0]")?.message.contains("at most 2 indices") == true)
        #expect(diagnostic(setup + "r = A[0.5, 0]")?.message.contains("whole number") == true)
        #expect(diagnostic(setup + "r = v[::0]")?.message.contains("cannot be zero") == true)
    }

    @Test func listsAndRecords() throws {
        #expect(try value("L = [1, \"a\", [2]]\nr = L[1]") == .string("a"))
        #expect(try value("L = [1, 2, 3]\nr = L[1:]") == .list([.number(2), .number(3)]))
    }
}

@Suite struct BuiltinTests {
    @Test func linspaceMatchesNumpy() throws {
        // numpy.linspace(-1.3, 2.7, 7), printed with repr.
        let expected = [
            -1.3, -0.6333333333333334, 0.033333333333333215, 0.7, 1.3666666666666665, 2.033333333333333, 2.7
        ]
        #expect(try matrix("r = linspace(-1.3, 2.7, 7)").storage == expected)
        #expect(try matrix("r = linspace(0, 1, 1)").storage == [0])
    }

    @Test func linearAlgebraMatchesNumpy() throws {
        let a = "A = [[4, 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 2]]\n"
        // numpy.linalg on the same matrix, printed with repr.
        let eig = try matrix(a + "r = eigvalsh(A)").storage
        for (x, y) in zip(eig, [1.8800869029150529, 2.398343019336997, 4.72157007774795]) {
            #expect(abs(x - y) < 1e-14)
        }
        #expect(abs(try number(a + "r = det(A)") - 21.290000000000006) < 1e-13)
        let l = try matrix(a + "r = cholesky(A)").storage
        for (x, y) in zip(l, [2.0, 0, 0, 0.5, 1.6583123951777, 0, 0.25, 0.04522670168666455, 1.391206147720224]) {
            #expect(abs(x - y) < 1e-14)
        }
        let x = try matrix(a + "r = solve(A, [1, 2, 3])").storage
        for (u, v) in zip(x, [-0.08172851103804601, 0.596524189760451, 1.4607797087834662]) {
            #expect(abs(u - v) < 1e-14)
        }
        let inv = try matrix(a + "r = inv(A) @ A")
        #expect(abs(inv[0, 0] - 1) < 1e-14 && abs(inv[0, 1]) < 1e-14)
    }

    @Test func factorisationFailuresAreLocated() throws {
        let d = try #require(diagnostic("A = [[1, 2], [2, 1]]\nL = cholesky(A)"))
        #expect(d.message.contains("not positive definite"))
        #expect(d.range.start == SourceLocation(line: 2, column: 14))
        #expect(diagnostic("r = solve([[1, 2], [2, 4]], [1, 1])")?.message.contains("singular") == true)
        #expect(diagnostic("r = inv(zeros(2, 3))")?.message.contains("square") == true)
        #expect(diagnostic("r = det([[1, nan], [0, 1]])")?.message.contains("NaN") == true)
    }

    @Test func reductionsWithAxis() throws {
        let a = "A = [[1, 2, 3], [4, 5, 6]]\n"
        #expect(try number(a + "r = sum(A)") == 21)
        #expect(try matrix(a + "r = sum(A, axis: 0)") == Matrix(rowArrays: [[5, 7, 9]]))
        #expect(try matrix(a + "r = mean(A, axis: 1)") == Matrix(column: [2, 5]))
        #expect(try number(a + "r = max(A)") == 6)
        #expect(try matrix(a + "r = min(A, axis: 0)") == Matrix(rowArrays: [[1, 2, 3]]))
        #expect(abs(try number(a + "r = norm(A)") - 91.0.squareRoot()) < 1e-14)
        #expect(try number("r = trace(eye(4))") == 4)
        #expect(diagnostic(a + "r = sum(A, axis: 2)")?.message.contains("axis must be 0") == true)
        #expect(diagnostic("r = max(zeros(0, 3))")?.message.contains("empty") == true)
    }

    @Test func elementwiseOnNumbersAndMatrices() throws {
        #expect(try number("r = relu(-2) + abs(-3) + sign(-0.5)") == 2)
        #expect(try matrix("r = sqrt([[4, 9]])") == Matrix(rowArrays: [[2, 3]]))
        #expect(abs(try number("r = erf(1)") - 0.8427007929497149) < 1e-16)
    }

    @Test func shapesAndConcatenation() throws {
        #expect(try matrix("r = hcat(ones(2, 1), zeros(2, 2))") == Matrix(rowArrays: [[1, 0, 0], [1, 0, 0]]))
        #expect(try matrix("r = vcat([[1, 2]], [[3, 4]])") == Matrix(rowArrays: [[1, 2], [3, 4]]))
        #expect(try matrix("r = diag([1, 2])") == Matrix(rowArrays: [[1, 0], [0, 2]]))
        #expect(try matrix("r = diag([[1, 2], [3, 4]])") == Matrix(column: [1, 4]))
        #expect(try number("r = rows(zeros(3, 5)) * 10 + cols(zeros(3, 5))") == 35)
        #expect(diagnostic("r = reshape(zeros(2, 3), 4, 2)")?.message.contains("6 entries") == true)
        #expect(diagnostic("r = hcat(zeros(2, 1), zeros(3, 1))")?.message.contains("2×1 and 3×1") == true)
    }

    @Test func randomIsNumpyAndSeeded() throws {
        // numpy.random.default_rng(0).random((2, 2)).
        let u = try matrix("r = uniform(2, 2, seed: 0)").storage
        #expect(u == [0.6369616873214543, 0.2697867137638703, 0.04097352393619469, 0.016527635528529094])
        // Without seed:, calls draw one after the other from the block's stream.
        let ctx = try run("a = randn(2, 2)\nb = randn(2, 2)", seed: 42)
        var g = NumpyGenerator(seed: 42)
        let first = g.standardNormal(rows: 2, cols: 2)
        let second = g.standardNormal(rows: 2, cols: 2)
        #expect(ctx.environment["a"] == .matrix(first))
        #expect(ctx.environment["b"] == .matrix(second))
        #expect(diagnostic("r = randn(2, 2, seed: -1)")?.message.contains("seed") == true)
        #expect(diagnostic("r = uniform(2, 2, low: 1, high: 0)")?.message.contains("low <= high") == true)
    }

    @Test func argumentErrorsSuggestLabels() throws {
        let d = try #require(diagnostic("r = randn(2, 2, sed: 1)"))
        #expect(d.message.hasPrefix("randn() has no argument 'sed' (did you mean 'seed'?)"))
        #expect(d.range.start == SourceLocation(line: 1, column: 17))
        #expect(diagnostic("r = linspace(0, 1)")?.message.contains("missing argument 'n'") == true)
        #expect(diagnostic("r = eye(2, 3)")?.message.contains("at most 1 positional argument") == true)
        #expect(diagnostic("r = zeros(\"a\", 2)")?.message.contains("must be a number, got a string") == true)
        #expect(diagnostic("r = zeros(2.5, 2)")?.message.contains("whole number") == true)
    }

    @Test func hugeAllocationsAreRefused() throws {
        let d = try #require(diagnostic("r = zeros(1000000, 1000000)"))
        #expect(d.message.contains("GiB but only"))
    }

    @Test func unknownNamesSuggest() throws {
        #expect(diagnostic("kernel = 1\nr = kernl + 1")?.message == "unknown name 'kernl' (did you mean 'kernel'?)")
        #expect(diagnostic("r = linspce(0, 1, 3)")?.message == "unknown function 'linspce' (did you mean 'linspace'?)")
        // A builtin without its parentheses is a function value; using it as a number says how
        // to call it.
        #expect(diagnostic("r = sum + 1")?.message.contains("sum(...)") == true)
    }
}

@Suite struct StatementTests {
    @Test func showAndPrintProduceOutputs() throws {
        let ctx = try run("x = 2\nshow x, \"two\"\nprint(\"x is\", x, [1, 2])")
        #expect(ctx.outputs.count == 2)
        guard case .value(.number(2), "two", _) = ctx.outputs[0] else {
            Issue.record("show")
            return
        }
        guard case .text("x is 2 [1, 2]", _) = ctx.outputs[1] else {
            Issue.record("print: \(ctx.outputs[1])")
            return
        }
    }

    @Test func failedExpectShowsTheExpression() throws {
        let d = try #require(diagnostic("x = 0.5\nexpect x > 1"))
        #expect(d.message == "expectation failed: x > 1 (0.5 vs 1)")
        #expect(d.range.start == SourceLocation(line: 2, column: 8))
        #expect(diagnostic("expect 1")?.message.contains("needs true or false") == true)
    }

    @Test func plotsInOneBlockShareAFigure() throws {
        let ctx = try run(
            "x = linspace(0, 1, 5)\nplot(x, x, label: \"a\")\nplot(x, hcat(x, x), title: \"t\")\nheatmap(eye(3))")
        #expect(ctx.outputs.count == 2)
        guard case .figure(let f, _) = ctx.outputs[0] else {
            Issue.record("figure")
            return
        }
        #expect(f.series.count == 3 && f.title == "t")
        #expect(diagnostic("plot(linspace(0, 1, 3), zeros(4, 1))")?.message.contains("3 points") == true)
    }

    @Test func bindingsAreSharedAcrossRuns() throws {
        let env = Environment()
        try run("a = 1", in: env)
        try run("b = a + 1", in: env)
        #expect(env["b"] == .number(2))
    }

    @Test func recordsAndFieldErrors() throws {
        let ctx = EvaluationContext(environment: Environment(), baseDirectory: URL(fileURLWithPath: "/"), seed: 0)
        ctx.environment["r"] = .record(Record([("mean", .number(1)), ("cov", .none)]))
        let src = SourceText("m = r.mean\nx = r.meen")
        do {
            try Evaluator(context: ctx, source: src).run(try Parser.parse(src))
            Issue.record("expected error")
        } catch {
            #expect(error.message.hasPrefix("record has no field 'meen' (did you mean 'mean'?)"))
        }
        #expect(ctx.environment["m"] == .number(1))
    }

    @Test func timeoutStopsTheBlock() throws {
        let ctx = EvaluationContext(
            environment: Environment(), baseDirectory: URL(fileURLWithPath: "/"), seed: 0,
            deadline: Deadline(seconds: 0))
        let src = SourceText("x = 1")
        #expect(throws: Diagnostic.self) { try Evaluator(context: ctx, source: src).run(try Parser.parse(src)) }
    }
}

@Suite struct FileTests {
    @Test func saveAndLoadRoundTrip() throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("tangent-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ctx = try run(
            """
            A = randn(3, 2, seed: 5)
            save(A, "out/a.npy")
            save(A, "out/a.csv")
            save(2.5, "s.npy")
            B = load("out/a.npy")
            C = load("out/a.csv")
            s = load("s.npy")
            """, baseDirectory: dir)
        #expect(ctx.environment["A"] == ctx.environment["B"])
        #expect(ctx.environment["A"] == ctx.environment["C"])
        #expect(ctx.environment["s"] == .matrix(Matrix(rows: 1, cols: 1, storage: [2.5])))
        #expect(ctx.filesWritten.count == 3)
    }

    @Test func missingAndUnsupportedFilesAreLocated() throws {
        let d = try #require(diagnostic("x = load(\"nope/missing.npy\")"))
        #expect(d.message.contains("cannot load 'nope/missing.npy'"))
        #expect(d.range.start == SourceLocation(line: 1, column: 10))
        #expect(diagnostic("x = load(\"a.txt\")")?.message.contains("unsupported file type '.txt'") == true)
    }
}

@Suite struct PrintTests {
    @Test func tablesGetTheirOwnLines() throws {
        let ctx = try run("A = [[1], [2]]\nprint(A, A)\nprint(\"K =\", A)")
        guard case .text(let t1, _) = ctx.outputs[0], case .text(let t2, _) = ctx.outputs[1] else {
            Issue.record("texts")
            return
        }
        #expect(t1 == "1\n2\n1\n2")
        #expect(t2 == "K =\n1\n2")
    }
}
