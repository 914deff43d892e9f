import Testing
import S2SCore
import S2SNN

@Suite struct OptimizerStateTests {
    @Test func stepCounterIsExactBeyondFloat32Integers() throws {
        for count in [0, 1, 16_777_217, 100_000_000, (1 << 48) - 1] {
            #expect(try StepCounter.count(from: StepCounter.tensor(count), name: "steps") == count)
        }
        #expect(StepCounter.tensor(100_000_000).scalars == [5, 16_113_920])
        #expect(throws: OptimizerStateError.self) {
            try StepCounter.count(from: Tensor(shape: [2], scalars: [0, 1.5]), name: "steps")
        }
    }

    /// A trained Adam's state and its parameters.
    func trainedAdam() -> (state: [String: Tensor], parameters: [(name: String, variable: Variable)]) {
        let parameters = makeParameters(seed: 2)
        let adam = Adam()
        train(adam, parameters, steps: 1...2)
        return (Dictionary(uniqueKeysWithValues: adam.stateTensors().map { ($0.name, $0.tensor) }), parameters)
    }

    func loadError(_ state: [String: Tensor], _ parameters: [(name: String, variable: Variable)],
                   into optimizer: any Optimizer = Adam()) -> OptimizerStateError? {
        do { try optimizer.loadState(state, parameters: parameters); return nil } catch {
            return error as? OptimizerStateError
        }
    }

    @Test func namesTheMissingTensor() {
        var (state, parameters) = trainedAdam()
        state["layer.bias.exp_avg_sq"] = nil
        let error = loadError(state, parameters)
        #expect(error?.tensor == "layer.bias.exp_avg_sq")
        #expect(error?.description.contains("missing") == true)

        state = trainedAdam().state
        state["steps"] = nil
        #expect(loadError(state, parameters)?.tensor == "steps")
    }

    @Test func namesTheMismatchedShape() {
        var (state, parameters) = trainedAdam()
        state["layer.weight.exp_avg"] = Tensor(zeros: [7, 3])
        let error = loadError(state, parameters)
        #expect(error?.tensor == "layer.weight.exp_avg")
        #expect(error?.problem == "shape [7, 3], expected [3, 7]")
    }

    @Test func rejectsStateOfAnotherModelOrOptimizer() {
        let (state, parameters) = trainedAdam()
        #expect(loadError(state, [parameters[0]])?.tensor == "layer.bias.exp_avg")
        #expect(loadError(state, parameters, into: SGD(learningRate: 1, momentum: 0.9))?.tensor == "optimizer.sgd")
    }

    @Test func failedLoadLeavesStateUnchanged() throws {
        let (state, parameters) = trainedAdam()
        let adam = Adam()
        try adam.loadState(state, parameters: parameters)
        var broken = state
        broken["layer.weight.step"] = Tensor(zeros: [3])
        #expect(throws: OptimizerStateError.self) { try adam.loadState(broken, parameters: parameters) }
        #expect(adam.stateTensors().map(\.tensor) == state.keys.sorted().map { state[$0]! })
    }

    @Test func parameterWithoutStateIsFresh() throws {
        let parameters = makeParameters(seed: 3)
        let adam = Adam()
        try adam.loadState(["steps": StepCounter.tensor(0)], parameters: parameters)
        #expect(adam.stateTensors().map(\.name) == ["steps"])
    }

    /// A checkpoint of one optimizer does not load into the other: before SGD marked its state, Adam took
    /// SGD's lone step counter as "no moments yet" and a resumed run silently changed optimizer.
    @Test func eachOptimizerRefusesTheOthersState() throws {
        let parameters = makeParameters(seed: 4)
        let sgd = SGD(learningRate: 0.1)
        train(sgd, parameters, steps: 1...2)
        let sgdState = Dictionary(uniqueKeysWithValues: sgd.stateTensors().map { ($0.name, $0.tensor) })
        #expect(loadError(sgdState, parameters, into: Adam())?.tensor == "optimizer.sgd")
        #expect(loadError(trainedAdam().state, parameters, into: SGD(learningRate: 0.1))?.tensor == "optimizer.sgd")
        #expect(loadError(sgdState, parameters, into: SGD(learningRate: 0.1)) == nil)
    }
}
