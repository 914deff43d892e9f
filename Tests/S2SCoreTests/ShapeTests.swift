import Testing
import S2STestSupport
@testable import S2SCore

@Suite struct ShapeTests {
    func check(_ name: String, _ inputs: [Variable], _ function: (Tape) -> Variable) {
        let result = GradientCheck.run(inputs: inputs, function)
        print("gradient check \(name):", result)
        #expect(result.maxError < 1e-2, "\(name): \(result)")
    }

    func variable(_ shape: [Int], seed: UInt64) -> Variable {
        var rng = Generator(seed: seed)
        return Variable(.normal(shape, using: &rng), requiresGrad: true)
    }

    @Test func concatAlongEveryAxis() {
        let tape = Tape(recording: false)
        for axis in 0..<3 {
            var shapeB = [2, 3, 4]
            shapeB[axis] = 2
            let a = variable([2, 3, 4], seed: 1), b = variable(shapeB, seed: 2)
            let y = tape.concat([a, b], axis: axis - 3 * (axis % 2)).value   // axis 1 given as −2
            var expected = shapeB
            expected[axis] += [2, 3, 4][axis]
            #expect(y.shape == expected)
            for i in 0..<expected[0] { for j in 0..<expected[1] { for k in 0..<expected[2] {
                var index = [i, j, k]
                let fromA = index[axis] < a.shape[axis]
                if !fromA { index[axis] -= a.shape[axis] }
                let source = fromA ? a.value : b.value
                #expect(y[i, j, k] == source[index[0], index[1], index[2]])
            } } }
            check("concat axis \(axis)", [a, b]) { $0.tanh($0.concat([a, b], axis: axis)) }
        }
    }

    @Test func splitAndSlice() {
        let x = variable([2, 5, 3], seed: 3)
        let tape = Tape(recording: false)
        let pieces = tape.split(x, sizes: [1, 0, 4], axis: 1)
        #expect(pieces.map(\.shape) == [[2, 1, 3], [2, 0, 3], [2, 4, 3]])
        let middle = tape.slice(x, range: 1..<3, axis: -1).value
        #expect(middle.shape == [2, 5, 2])
        for i in 0..<2 { for j in 0..<5 { for k in 0..<3 {
            #expect((j < 1 ? pieces[0].value[i, j, k] : pieces[2].value[i, j - 1, k]) == x.value[i, j, k])
            if k >= 1 { #expect(middle[i, j, k - 1] == x.value[i, j, k]) }
        } } }
        check("split", [x]) { t in
            let p = t.split(x, sizes: [1, 0, 4], axis: 1)
            return t.concat([t.tanh(p[2]), p[0], t.scale(p[0], by: 2)], axis: 1)   // p[0] used twice
        }
        check("slice", [x]) { $0.tanh($0.slice(x, range: 1..<3, axis: 2)) }
    }

    @Test func reshapeAndTranspose() {
        let x = variable([3, 2, 4], seed: 4)
        let tape = Tape(recording: false)
        let t = tape.transposeLeadingAxes(x).value
        #expect(t.shape == [2, 3, 4])
        for i in 0..<3 { for j in 0..<2 { for k in 0..<4 { #expect(t[j, i, k] == x.value[i, j, k]) } } }
        #expect(tape.reshape(x, to: [6, 4]).value.scalars == x.value.scalars)
        check("transpose", [x]) { $0.tanh($0.transposeLeadingAxes(x)) }
        check("reshape", [x]) { $0.tanh($0.reshape(x, to: [4, 6])) }
    }

    @Test func stackAndUnstack() {
        let steps = (0..<3).map { variable([2, 4], seed: 10 + UInt64($0)) }
        let tape = Tape(recording: false)
        let stacked = tape.stack(steps).value
        #expect(stacked.shape == [3, 2, 4])
        for t in 0..<3 { for b in 0..<2 { for h in 0..<4 { #expect(stacked[t, b, h] == steps[t].value[b, h]) } } }
        let back = tape.unstack(Variable(stacked))
        #expect(back.map(\.value) == steps.map(\.value))
        check("stack", steps) { $0.tanh($0.stack(steps)) }
        let x = variable([3, 2, 4], seed: 5)
        check("unstack", [x]) { t in
            let parts = t.unstack(x)
            return t.stack([t.multiply(parts[0], parts[2]), t.tanh(parts[1])])   // rows reordered and mixed
        }
    }
}
