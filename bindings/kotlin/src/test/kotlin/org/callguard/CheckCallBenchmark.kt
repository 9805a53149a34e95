package org.callguard

import java.io.File
import java.nio.file.Files

/**
 * `checkCall` through the bindings, beside the same calls timed inside Rust in the same
 * process (`Engine.measureCheckCall`). A timed loop, not a test: run it with
 *
 *     mvn -B -f bindings/kotlin/pom.xml -Pbench test
 *
 * (the bench profile builds the library with --release and skips the tests). The list is
 * the small signed demo list, so the difference is the cost of crossing the boundary:
 * lowering the CallInput record, JNA's native call, lifting the Decision record.
 */
object CheckCallBenchmark {
    // Overridable for quick runs: -Dcallguard.bench.batch=2000 -Dcallguard.bench.batches=11
    private val BATCH = Integer.getInteger("callguard.bench.batch", 20_000)
    private val BATCHES = Integer.getInteger("callguard.bench.batches", 25)
    // -Dcallguard.bench.only=fresh|pooled: one path per process, so neither pays for the
    // JNA map entries the other leaves behind (the run script starts one process of each).
    private val ONLY = System.getProperty("callguard.bench.only")
    private fun paths(fresh: ArrayList<Double>, pooled: ArrayList<Double>) =
        listOf(false to fresh, true to pooled).filter { (on, _) -> ONLY == null || (ONLY == "pooled") == on }
    private fun median0(xs: List<Double>) = if (xs.isEmpty()) Double.NaN else median(xs)

    private fun median(xs: List<Double>) = xs.sorted().let { (it[it.size / 2] + it[(it.size - 1) / 2]) / 2 }

    @JvmStatic
    fun main(args: Array<String>) {
        val workspace = File(System.getProperty("callguard.workspace") ?: "../..").canonicalFile
        val site = File(workspace, "signed-lists/demo/site")
        val dir = Files.createTempDirectory("callguard-bench").toFile()
        val engine = Engine.open(dir.path, "CN", File(site, "root.json").readBytes())
        engine.installUpdate(Support.siteFiles(site))

        val cases = listOf(
            "listed number" to Support.call("+86 170 0094 5041"),
            "spoofed official" to Support.call("+852 12110"),
            "police 110" to Support.call("110"),
            "unlisted mobile" to Support.call("+86 139 1234 5678"),
        )
        println("checkCall through the Kotlin bindings (JNA) vs the same call inside Rust, same process")
        println("demo list, ${BATCHES} batches of ${BATCH} calls per case and path; medians of the per-batch means")
        println("pooled: the generated code reusing a per-thread RustCallStatus (build-tools/patch_call_status.py);")
        println("fresh: UniFFI's own code, a new status per call; batches of the two alternate")
        println(String.format("%-18s %10s %10s %8s %10s %8s", "case", "fresh ns", "pooled ns", "speedup", "Rust ns", "pooled/Rust"))
        for ((name, input) in cases) {
            // Warm up both paths: JIT, JNA's method tables, the allocator.
            for ((pooled, _) in paths(ArrayList(), ArrayList())) {
                UniffiCallStatusPool.enabled = pooled
                repeat(3) { repeat(BATCH) { engine.checkCall(input) } }
            }
            engine.measureCheckCall(input, BATCH.toUInt())
            val fresh = ArrayList<Double>()
            val pooled = ArrayList<Double>()
            val rust = ArrayList<Double>()
            var sink = 0
            repeat(BATCHES) {
                for ((on, times) in paths(fresh, pooled)) {
                    UniffiCallStatusPool.enabled = on
                    val t0 = System.nanoTime()
                    for (i in 0 until BATCH) sink += engine.checkCall(input).reasons.size
                    times.add((System.nanoTime() - t0).toDouble() / BATCH)
                }
                rust.add(engine.measureCheckCall(input, BATCH.toUInt()).toDouble() / BATCH)
            }
            val f = median0(fresh)
            val p = median0(pooled)
            val r = median(rust)
            println(String.format("%-18s %10.0f %10.0f %7.2fx %10.0f %7.1fx", name, f, p, f / p, r, p / r))
            if (sink == 42) println()
        }
        UniffiCallStatusPool.enabled = true
        // Where the time goes: a crossing that lowers the CallInput record but lifts only a
        // u64 (measureCheckCall with 0 iterations), and one with no argument that lifts a
        // short String (exportVersion).
        val input = cases[0].second
        for ((name, call) in listOf<Pair<String, () -> Any>>(
            "record in, u64 out" to { engine.measureCheckCall(input, 0u) },
            "nothing in, String out" to { engine.exportVersion() },
        )) {
            val fresh = ArrayList<Double>()
            val pooled = ArrayList<Double>()
            for ((on, _) in paths(fresh, pooled)) { UniffiCallStatusPool.enabled = on; repeat(3) { repeat(BATCH) { call() } } }
            repeat(BATCHES) {
                for ((on, times) in paths(fresh, pooled)) {
                    UniffiCallStatusPool.enabled = on
                    val t0 = System.nanoTime()
                    for (i in 0 until BATCH) call()
                    times.add((System.nanoTime() - t0).toDouble() / BATCH)
                }
            }
            println(String.format("%-24s fresh %8.0f ns/call, pooled %8.0f ns/call", name, median0(fresh), median0(pooled)))
        }
        UniffiCallStatusPool.enabled = true
        engine.close()
        dir.deleteRecursively()
    }
}
