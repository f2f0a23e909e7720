import Foundation
import TestSupport
import Testing

/// `dataset` in a notebook, through the built binary: the data is inside the executable (a copy
/// of it in another folder loads it), and an unknown name is a located error with exit status 1.
@Suite(.enabled(if: TangentBinary.exists, "no .build/debug/tangent: run `swift build` before these tests"))
struct DatasetNotebookTests {
    @Test func aNotebookLoadsTheDigitsAndBreastCancer() throws {
        let sandbox = try TemporaryFolder("dataset-notebook")
        defer { sandbox.remove() }
        let notebook = """
            # Data

            ```ntk {#digits}
            d = dataset("digits")
            print(rows(d.X), d.classes, sum(flatten(d.X)), sum(d.y))
            expect sum(one_hot(d.y, d.classes), axis: 0) == [[178, 182, 177, 183, 181, 182, 181, 179, 174, 180]]
            b = dataset("breast_cancer")
            print(rows(b.X), cols(b.X), sum(b.y == 0))
            ```

            """
        try Data(notebook.utf8).write(to: sandbox.url("nb.md"))
        // A copy of the binary alone in a folder of its own, as an installed tangent is: the data
        // must come from inside it, not from the build folder.
        let installed = sandbox.url("bin/tangent")
        try FileManager.default.createDirectory(at: sandbox.url("bin"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TangentBinary.url, to: installed)
        let r = try TangentBinary.run(
            ["run", sandbox.path("nb.md"), "--no-cache"], in: sandbox.root, scratch: sandbox, executable: installed)
        #expect(r.status == 0, "\(r.transcript)")
        // scikit-learn: 1797 samples, 10 classes, pixel sum 561718, label sum 8070 (the fixture of
        // DatasetsTests); breast_cancer 569×30 with 212 malignant (label 0).
        #expect(r.out.contains("1797 10 561718 8070"), "\(r.transcript)")
        #expect(r.out.contains("569 30 212"), "\(r.transcript)")
    }

    @Test func anUnknownNameIsALocatedErrorWithExitStatusOne() throws {
        let sandbox = try TemporaryFolder("dataset-notebook")
        defer { sandbox.remove() }
        try Data("# Data\n\n```ntk\nd = dataset(\"wines\")\n```\n".utf8).write(to: sandbox.url("nb.md"))
        let r = try TangentBinary.run(["run", sandbox.path("nb.md"), "--no-cache"], in: sandbox.root, scratch: sandbox)
        #expect(r.status == 1, "\(r.transcript)")
        #expect(
            r.err.contains(
                "nb.md:4:13: error: unknown data set \"wines\" (did you mean 'wine'?); the data sets are \"digits\""),
            "\(r.transcript)")
    }
}
