// Tests of TrainingDirectory: one run at a time per model directory, a killed run's lock never blocks,
// and a new run never replaces a trained model or checkpoints unless told to.
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import S2SCore
@testable import S2STraining
import S2STestSupport

@Suite struct TrainingDirectoryTests {
    @Test func aSecondRunIntoTheSameDirectoryFailsAtOnceNamingTheFirst() throws {
        let temporary = TemporaryDirectory("lock"), path = temporary.path
        defer { temporary.remove() }
        let first = try TrainingDirectory.open(path, mode: .new)
        #expect {
            _ = try TrainingDirectory.open(path, mode: .resume)
        } throws: { error in
            let text = "\(error)"
            return text.contains("another training run is using this model directory") && text.contains("pid \(getpid())")
                && text.hasPrefix(path)
        }
        first.close()
        _ = try TrainingDirectory.open(path, mode: .resume)   // free again once the first run ends
    }

    @Test func closingReleasesTheLockEvenWhileACopyOfItsDescriptorIsOpen() throws {
        // What a child forked by another thread holds until it execs: the same open file, another descriptor.
        let temporary = TemporaryDirectory("lock"), path = temporary.path
        defer { temporary.remove() }
        let first = try TrainingDirectory.open(path, mode: .new)
        let copy = dup(first.descriptor)
        defer { Glibc.close(copy) }
        first.close()
        _ = try TrainingDirectory.open(path, mode: .resume)
    }

    @Test func aLockLeftByAKilledProcessDoesNotBlock() throws {
        let temporary = TemporaryDirectory("lock"), path = temporary.path
        defer { temporary.remove() }
        // Another process takes the lock (util-linux flock, which then execs sleep), and is killed with SIGKILL while holding it.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["--exclusive", "--no-fork", path + "/" + TrainingDirectory.lockFile, "sleep", "60"]
        try holder.run()
        var blocked = false
        for _ in 0..<200 {   // wait until it holds the lock
            do { try TrainingDirectory.open(path, mode: .resume).close() } catch { blocked = true; break }
            usleep(10_000)
        }
        #expect(blocked, "the other process never held the lock")
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: path + "/" + TrainingDirectory.lockFile))
        _ = try TrainingDirectory.open(path, mode: .resume)
    }

    @Test func aNewRunRefusesATrainedModelOrCheckpointsUnlessOverwriting() throws {
        let temporary = TemporaryDirectory("lock"), path = temporary.path
        defer { temporary.remove() }
        let bundle = ModelBundle(directory: path)
        try bundle.create()
        try AtomicFile.write(Array("{}".utf8), to: bundle.configPath)
        try TrainingDirectory.open(path, mode: .new).close()   // settings alone: nothing trained to lose

        try SafeTensors.write([("w", Tensor(shape: [1], scalars: [1]))], to: bundle.weightsPath)
        try FileManager.default.createDirectory(atPath: path + "/checkpoints/step-00000010", withIntermediateDirectories: true)
        try AtomicFile.write(Array("{\"step\":10}\n".utf8), to: bundle.path(MetricsLog.fileName))
        #expect {
            _ = try TrainingDirectory.open(path, mode: .new)
        } throws: { error in
            let text = "\(error)"
            return text.contains("holds a trained model (model.safetensors) and checkpoints") && text.contains("--overwrite")
                && text.contains("--resume")
        }
        #expect(FileManager.default.fileExists(atPath: bundle.weightsPath), "a refused run removed the model")

        try TrainingDirectory.open(path, mode: .resume).close()
        #expect(FileManager.default.fileExists(atPath: bundle.weightsPath) && FileManager.default.fileExists(atPath: path + "/checkpoints"))

        try TrainingDirectory.open(path, mode: .overwrite).close()
        for file in [bundle.weightsPath, path + "/checkpoints", bundle.path(MetricsLog.fileName)] {
            #expect(!FileManager.default.fileExists(atPath: file), "\(file) survived --overwrite")
        }
        #expect(FileManager.default.fileExists(atPath: bundle.configPath))
    }
}
