package org.callguard

import java.io.BufferedReader
import java.io.File
import java.io.InputStreamReader
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/** Paths and helpers shared by the tests. The pom passes the workspace and binaries. */
object Support {
    val workspace: File = File(System.getProperty("callguard.workspace") ?: "../..").canonicalFile
    val demoSite: File = File(workspace, "signed-lists/demo/site")
    val demoRoot: ByteArray by lazy { File(demoSite, "root.json").readBytes() }

    /** Every file of a signed-list site, as an app that downloaded them would pass them. */
    fun siteFiles(site: File): List<UpdateFile> =
        site.walkTopDown()
            .filter { it.isFile }
            .map { UpdateFile(path = it.relativeTo(site).invariantSeparatorsPath, bytes = it.readBytes()) }
            .toList()

    fun tempDir(): File = Files.createTempDirectory("callguard-kotlin").toFile().also { it.deleteOnExit() }

    /** An engine in a fresh data directory, trusting the DEMO root, with the demo list installed. */
    fun demoEngine(dir: File = tempDir()): Engine {
        val engine = Engine.open(dir.path, "CN", demoRoot)
        engine.installUpdate(siteFiles(demoSite))
        return engine
    }

    fun call(
        number: String?,
        presentation: Presentation = Presentation.ALLOWED,
        verification: Verification = Verification.NOT_VERIFIED,
        isContact: Boolean = false,
    ) = CallInput(number = number, presentation = presentation, verification = verification, isContact = isContact)
}

/**
 * `signed-lists serve` on a free loopback port. It prints its address on the first line
 * of stdout; a thread keeps draining the rest, since a closed pipe would end the server.
 */
class SiteServer(site: File) : AutoCloseable {
    private val process: Process
    val url: String

    init {
        val binary = File(
            System.getProperty("callguard.signedLists")
                ?: File(Support.workspace, "target/debug/signed-lists").path,
        )
        check(binary.canExecute()) { "$binary is not built (the pom's cargo step builds it)" }
        process = ProcessBuilder(binary.path, "serve", "--site", site.path, "--addr", "127.0.0.1:0")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start()
        val reader = BufferedReader(InputStreamReader(process.inputStream))
        val first = reader.readLine() ?: error("signed-lists serve printed nothing")
        val address = Regex("""127\.0\.0\.1:\d+""").find(first)?.value
            ?: error("no loopback address in the first line: $first")
        url = "http://$address/"
        Thread {
            try {
                while (reader.readLine() != null) { /* drain */ }
            } catch (_: Exception) {
            }
        }.apply { isDaemon = true; start() }
    }

    override fun close() {
        process.destroy()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly()
    }
}

/**
 * A copy of the demo site and its sources in a temporary directory, republished with the
 * public DEMO keys (signed-lists/demo/keys) after the sources change: the next version,
 * with a delta from the previous one, as `signed-lists/demo/publish.sh` builds it.
 */
class DemoPublisher {
    val dir: File = Support.tempDir()
    val site: File = File(dir, "site")
    val sources: File = File(dir, "sources")
    private var clock = System.currentTimeMillis() / 1000

    init {
        File(Support.workspace, "signed-lists/demo/site").copyRecursively(site)
        File(Support.workspace, "signed-lists/demo/sources").copyRecursively(sources)
    }

    val numbersCsv: File get() = File(sources, "numbers.csv")

    /** Publishes the next version from the current sources. */
    fun publish() {
        clock += 1
        val binary = System.getProperty("callguard.signedLists")
            ?: File(Support.workspace, "target/debug/signed-lists").path
        val process = ProcessBuilder(
            binary, "build",
            "--sources", sources.path,
            "--keys", File(Support.workspace, "signed-lists/demo/keys").path,
            "--site", site.path,
            "--name", "default",
            "--region", "CN",
            "--now", clock.toString(),
            "--manifest-expires-days", "3650",
            "--timestamp-expires-hours", "87600",
        ).redirectErrorStream(true).start()
        val output = process.inputStream.bufferedReader().readText()
        check(process.waitFor() == 0) { "signed-lists build failed: $output" }
    }
}
