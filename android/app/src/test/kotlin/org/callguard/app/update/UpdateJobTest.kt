package org.callguard.app.update

import android.app.job.JobInfo
import android.app.job.JobScheduler
import com.sun.net.httpserver.HttpServer
import org.callguard.app.TestEngines
import org.callguard.app.engine.EngineHolder
import org.callguard.app.logic.UpdatePlan
import org.callguard.app.settings.AppPrefs
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.Config
import java.io.File
import java.net.InetSocketAddress
import java.util.concurrent.CopyOnWriteArrayList

/** The pending jobs' schedule and constraints, and runs against a list site on loopback. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [29, 30, 34])
class UpdateJobTest {
    private val app get() = RuntimeEnvironment.getApplication()
    private val jobs get() = app.getSystemService(JobScheduler::class.java)

    @After
    fun reset() {
        EngineHolder.provider = null
        UpdateJobService.listSite = "https://lists.callguard.org/"
    }

    @Test
    fun `the periodic job has jitter, prefers unmetered networks and survives reboots`() {
        UpdateScheduler.schedulePeriodic(app)
        val job = jobs.getPendingJob(UpdateScheduler.PERIODIC_JOB)!!
        assertTrue(job.isPeriodic)
        assertEquals(UpdatePlan.PERIOD_MILLIS, job.intervalMillis)
        assertEquals(UpdatePlan.FLEX_MILLIS, job.flexMillis)
        @Suppress("DEPRECATION")
        assertEquals(JobInfo.NETWORK_TYPE_UNMETERED, job.networkType)
        assertTrue(job.isPersisted)
        assertEquals(UpdateJobService::class.java.name, job.service.className)

        UpdateScheduler.schedulePeriodic(app, listStale = true)
        @Suppress("DEPRECATION")
        assertEquals("a stale list takes any network", JobInfo.NETWORK_TYPE_ANY, jobs.getPendingJob(UpdateScheduler.PERIODIC_JOB)!!.networkType)
    }

    /** Serves the demo site; records the paths asked for. */
    private fun <T> serving(body: (String, List<String>) -> T): T {
        val asked = CopyOnWriteArrayList<String>()
        val site = TestEngines.demoSiteDir
        val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        server.createContext("/") { exchange ->
            val path = exchange.requestURI.path.removePrefix("/")
            asked += path
            val file = File(site, path)
            if (file.isFile && file.canonicalPath.startsWith(site.canonicalPath)) {
                val bytes = file.readBytes()
                exchange.sendResponseHeaders(200, bytes.size.toLong())
                exchange.responseBody.use { it.write(bytes) }
            } else {
                exchange.sendResponseHeaders(404, -1)
                exchange.close()
            }
        }
        server.start()
        try {
            return body("http://127.0.0.1:${server.address.port}/", asked)
        } finally {
            server.stop(0)
        }
    }

    @Test
    fun `a run asks the list site, and resets the back-off`() {
        TestEngines.demo().use { engine ->
            EngineHolder.provider = { engine }
            AppPrefs(app).updateFailures = 3
            serving { url, asked ->
                UpdateJobService.listSite = url
                assertTrue(UpdateJobService.run(app))
                assertTrue(asked.contains("timestamp.json"))
            }
            assertEquals(0, AppPrefs(app).updateFailures)
            assertNull(jobs.getPendingJob(UpdateScheduler.RETRY_JOB))
            assertTrue(engine.status().update.lastSuccessAt != null)
        }
    }

    @Test
    fun `never while paused`() {
        TestEngines.demo().use { engine ->
            EngineHolder.provider = { engine }
            engine.pause(null)
            serving { url, asked ->
                UpdateJobService.listSite = url
                assertFalse(UpdateJobService.run(app))
                assertTrue("nothing was fetched", asked.isEmpty())
            }
            assertEquals(0, AppPrefs(app).updateFailures)
        }
    }

    @Test
    fun `a failure keeps the list and schedules a retry with back-off`() {
        TestEngines.demo().use { engine ->
            EngineHolder.provider = { engine }
            val before = engine.status().update.installed
            UpdateJobService.listSite = "http://127.0.0.1:1/"
            assertFalse(UpdateJobService.run(app))
            assertEquals(1, AppPrefs(app).updateFailures)
            val retry = jobs.getPendingJob(UpdateScheduler.RETRY_JOB)!!
            assertFalse(retry.isPeriodic)
            assertTrue(retry.minLatencyMillis in UpdatePlan.BACKOFF_BASE_MILLIS / 2..UpdatePlan.BACKOFF_BASE_MILLIS)
            assertEquals("the last verified list stays", before, engine.status().update.installed)
            assertFalse(UpdateJobService.run(app))
            assertTrue(jobs.getPendingJob(UpdateScheduler.RETRY_JOB)!!.minLatencyMillis >= UpdatePlan.BACKOFF_BASE_MILLIS)
        }
    }

    @Test
    fun `the first run installs the list shipped in the assets`() {
        EngineHolder.provider = null
        EngineHolder.reset()
        val engine = EngineHolder.get(app)
        val installed = engine.status().update.installed
        assertTrue("the bundled list is installed", installed != null && installed.count > 0u)
        EngineHolder.reset()
    }
}
