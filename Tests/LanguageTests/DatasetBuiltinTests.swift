import Datasets
import NTKCore
import Testing

@testable import Language

/// `dataset(name)` (LANGUAGE.md §11): the record it returns and its errors. The values
/// themselves are compared with scikit-learn's, bit for bit, by DatasetsTests.
@Suite struct DatasetBuiltinTests {
    func record(_ name: String) throws -> Record {
        guard case .record(let r) = try value("r = dataset(\"\(name)\")") else { throw TestFailure("not a record") }
        return r
    }

    @Test(arguments: DataSetCatalog.names) func recordHoldsXYClassesAndSource(name: String) throws {
        let r = try record(name)
        let set = try #require(try DataSetCatalog.load(name))
        #expect(r.fieldNames == ["X", "y", "classes", "source"])
        #expect(r["y"] == .matrix(set.y))
        #expect(r["classes"] == .number(Double(set.classes)))
        #expect(r["source"] == .string(set.source))
        if let shape = set.imageShape {
            guard case .images(let i) = r["X"] else { throw TestFailure("\(name).X is not images") }
            #expect(i.shape == [set.x.rows, shape.height, shape.width, shape.channels])
            #expect(i.pixels == set.x)
        } else {
            #expect(r["X"] == .matrix(set.x))
        }
    }

    @Test func shapesAndClassesAsLANGUAGEmdStatesThem() throws {
        // §11: digits 1797 8×8×1 images, 10 classes; iris 150×4, 3; wine 178×13, 3;
        // breast_cancer 569×30, 2; diabetes 442×10 regression.
        let digits =
            "d = dataset(\"digits\")\nF = flatten(d.X)\nr = vcat([rows(d.X), rows(F), cols(F), rows(d.y), cols(d.y), d.classes])"
        #expect(try matrix(digits) == Matrix(column: [1797, 1797, 64, 1797, 1, 10]))
        for (name, shape) in [
            ("iris", [150.0, 4, 150, 1, 3]), ("wine", [178, 13, 178, 1, 3]), ("breast_cancer", [569, 30, 569, 1, 2]),
            ("diabetes", [442, 10, 442, 1, 0])
        ] {
            let code = "d = dataset(\"\(name)\")\nr = vcat([rows(d.X), cols(d.X), rows(d.y), cols(d.y), d.classes])"
            #expect(try matrix(code) == Matrix(column: shape), "\(name)")
        }
    }

    @Test func valuesReadAsScikitLearnPrintsThem() throws {
        // load_iris().data[0] is [5.1, 3.5, 1.4, 0.2]; load_breast_cancer().target[0] is 0
        // (malignant); load_diabetes(scaled=False): data[0, :3] = [59, 2, 32.1], target[0] = 151.
        #expect(try matrix("r = dataset(\"iris\").X[0:1, :]") == Matrix(rowArrays: [[5.1, 3.5, 1.4, 0.2]]))
        #expect(try number("r = dataset(\"breast_cancer\").y[0]") == 0)
        #expect(try matrix("r = dataset(\"diabetes\").X[0:1, 0:3]") == Matrix(rowArrays: [[59, 2, 32.1]]))
        #expect(try number("r = dataset(\"diabetes\").y[0]") == 151)
    }

    @Test func unknownNameIsLocatedAndListsTheSets() throws {
        let d = try #require(diagnostic("x = 1\nd = dataset(\"digit\")"))
        #expect(
            d.message
                == "unknown data set \"digit\" (did you mean 'digits'?); the data sets are \"digits\", \"iris\", "
                + "\"wine\", \"breast_cancer\", \"diabetes\"")
        #expect(d.range.start.line == 2 && d.range.start.column == 13)
        let far = try #require(diagnostic("d = dataset(\"mnist\")"))
        #expect(far.message.hasPrefix("unknown data set \"mnist\"; the data sets are \"digits\""))
        let wrongType = try #require(diagnostic("d = dataset(3)"))
        #expect(wrongType.message == "argument 'name' of dataset() must be a string, got a number")
        let noField = try #require(diagnostic("d = dataset(\"iris\")\nr = d.labels"))
        #expect(noField.message.contains("record has no field 'labels'"))
    }
}
