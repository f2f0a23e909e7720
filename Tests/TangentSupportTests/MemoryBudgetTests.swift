import Testing

@testable import TangentSupport

@Suite struct MemoryBudgetTests {
    @Test func parsesMemAvailable() {
        #expect(MemoryBudget.parseMemAvailable("MemTotal: 100 kB\nMemAvailable:     2048 kB\n") == 2 << 20)
        #expect(MemoryBudget.parseMemAvailable("MemTotal: 100 kB\n") == nil)
    }
}
