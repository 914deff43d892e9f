// Data parallelism over the machine's cores: the batch is cut into shards, each shard runs a whole
// forward + backward pass on its own thread (chunks of many milliseconds, so the ~50 µs thread wake-up
// is noise — forking inside a time step would not pay), and the parameter gradients of the shards are
// summed at the end. Each shard should call BLAS with one thread.
//
// How gradients stay apart: while a shard runs, its thread carries a shard index (a thread-local), and
// `Variable.withGrad` on a parameter prepared here writes to that shard's private buffer instead of
// `grad` — except shard 0 when `grad` starts nil, which writes `grad` itself (one parameter-sized buffer
// fewer, one pass fewer; the sum is the same bits). Activations are made by one shard only and keep
// using `grad`.
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Runs shards of work concurrently and reduces parameter gradients.
///
///     DataParallel.run(shards: 2, parameters: model.parameters) { shard in
///         let tape = Tape()
///         let loss = model.loss(batch.shard(shard, of: 2), tape: tape)
///         tape.backward(from: loss)
///     }   // every parameter's grad now holds the sum over both shards
public enum DataParallel {
    public static func run(shards: Int, parameters: [Variable], _ body: (_ shard: Int) -> Void) {
        guard shards > 1 else { body(0); return }
        for p in parameters { p.prepareShardGradients(shards) }
        withoutActuallyEscaping(body) { body in
            // Shards share only read-only parameter values; every write goes to shard-private state.
            nonisolated(unsafe) let shardBody = body
            DispatchQueue.concurrentPerform(iterations: shards) { shard in
                ShardContext.set(shard)
                shardBody(shard)
                ShardContext.set(nil)
            }
        }
        for p in parameters { p.reduceShardGradients() }
    }
}

/// The current thread's shard index, or nil outside `DataParallel.run`.
enum ShardContext {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static var current: Int? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Int(bitPattern: raw) - 1
    }

    static func set(_ shard: Int?) {
        pthread_setspecific(key, shard.map { UnsafeRawPointer(bitPattern: $0 + 1) } ?? nil)
    }
}

/// One shard's private gradient of a parameter (a box, so shards never write the same array).
final class ShardGradient {
    var tensor: Tensor?
    /// Whether the shard wrote a gradient since the last reduction (an unused parameter keeps grad nil).
    var isDirty = false
}
