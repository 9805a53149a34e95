package org.callguard.app.ui

import android.Manifest
import android.app.Activity
import android.app.role.RoleManager
import android.content.Context
import android.widget.Button
import android.widget.Spinner
import android.widget.Switch
import android.widget.TextView
import org.callguard.Action
import org.callguard.app.MainActivity
import org.callguard.app.R
import org.callguard.app.DemoEngine
import org.callguard.app.TestEngines
import org.callguard.app.settle
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import java.io.File
import javax.xml.parsers.DocumentBuilderFactory

/** Every screen inflates with its strings in English and Simplified Chinese; the status
 *  screen's one action, the role request, the settings and the permission requests. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [29, 30, 34])
class ScreensTest {
    @get:Rule
    val demo = DemoEngine()
    private val engine get() = demo.engine

    /** A string as the source file of [folder] has it (what the screen must show). */
    private fun source(folder: String, name: String): String {
        val doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(File(TestEngines.appDir, "res/$folder/strings.xml"))
        val nodes = doc.getElementsByTagName("string")
        return (0 until nodes.length).map { nodes.item(it) }.first { it.attributes.getNamedItem("name").nodeValue == name }
            .textContent.replace("\\'", "'")
    }

    /** Created and resumed, not made visible: inflation and onResume, without drawing;
     *  then the engine calls it made off the main thread are let finish. */
    private fun <T : Activity> resumed(activity: Class<T>): T =
        Robolectric.buildActivity(activity).create().start().resume().get().also { settle() }

    private fun <T : Activity> shows(activity: Class<T>, view: Int, string: String, folder: String) {
        val screen = resumed(activity)
        assertEquals(source(folder, string), screen.findViewById<TextView>(view).text.toString())
    }

    private fun everyScreen(folder: String) {
        shows(MainActivity::class.java, R.id.status, "status_role_missing", folder)
        shows(MainActivity::class.java, R.id.open_history, "open_history", folder)
        shows(SettingsActivity::class.java, R.id.title, "settings_title", folder)
        shows(SettingsActivity::class.java, R.id.contacts_why, "setting_contacts_why", folder)
        shows(RulesActivity::class.java, R.id.title, "rules_title", folder)
        shows(HistoryActivity::class.java, R.id.hint, "history_hint", folder)
    }

    @Test
    fun `every screen in English`() = everyScreen("values")

    @Test
    @Config(qualifiers = "zh-rCN")
    fun `every screen in Simplified Chinese`() {
        everyScreen("values-zh-rCN")
        assertNotEquals(source("values", "settings_title"), source("values-zh-rCN", "settings_title"))
    }

    @Test
    fun `every English string has a Simplified Chinese one`() {
        fun names(folder: String): Set<String> {
            val doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(File(TestEngines.appDir, "res/$folder/strings.xml"))
            return listOf("string", "string-array").flatMap { tag ->
                val nodes = doc.getElementsByTagName(tag)
                (0 until nodes.length).map { nodes.item(it).attributes.getNamedItem("name").nodeValue }
            }.toSet()
        }
        assertEquals(names("values"), names("values-zh-rCN"))
    }

    @Test
    fun `without the role the status screen's one action requests it`() {
        val screen = resumed(MainActivity::class.java)
        screen.findViewById<Button>(R.id.fix).performClick()
        val started = shadowOf(screen).nextStartedActivityForResult
        assertEquals(MainActivity.REQUEST_ROLE, started.requestCode)
        assertEquals("android.app.role.action.REQUEST_ROLE", started.intent.action)
        assertEquals(RoleManager.ROLE_CALL_SCREENING, started.intent.getStringExtra("android.intent.extra.ROLE_NAME"))
    }

    @Test
    fun `with the role and a pause, the one action resumes`() {
        val app = RuntimeEnvironment.getApplication()
        shadowOf(app.getSystemService(RoleManager::class.java)).addHeldRole(RoleManager.ROLE_CALL_SCREENING)
        engine.pause(null)
        val screen = resumed(MainActivity::class.java)
        assertEquals(app.getString(R.string.status_paused), screen.findViewById<TextView>(R.id.status).text.toString())
        screen.findViewById<Button>(R.id.fix).performClick()
        settle()
        assertTrue(!engine.status().paused)
        assertEquals(app.getString(R.string.status_protected), screen.findViewById<TextView>(R.id.status).text.toString())
    }

    @Test
    fun `settings are the engine's, and a feature asks for its permission when switched on`() {
        val screen = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        settle()
        val overseas = screen.findViewById<Spinner>(R.id.overseas_calls)
        assertEquals(Actions.position(engine.settings().overseasCalls), overseas.selectedItemPosition)
        overseas.setSelection(Actions.position(Action.BLOCK))
        shadowOf(android.os.Looper.getMainLooper()).idle()
        assertEquals(Action.BLOCK, engine.settings().overseasCalls)

        screen.findViewById<Switch>(R.id.contacts).isChecked = true
        val asked = shadowOf(screen).lastRequestedPermission
        assertEquals(listOf(Manifest.permission.READ_CONTACTS), asked.requestedPermissions.toList())
        screen.findViewById<Switch>(R.id.sms).isChecked = true
        assertEquals(listOf(Manifest.permission.RECEIVE_SMS), shadowOf(screen).lastRequestedPermission.requestedPermissions.toList())

        screen.findViewById<Button>(R.id.pause_one_hour).performClick()
        val until = engine.status().pausedUntil!!.toLong()
        assertTrue(until - System.currentTimeMillis() / 1000 in 3_500..3_700)
    }

    @Test
    fun `a rule added on the rules screen decides, and a tap removes it`() {
        val screen = resumed(RulesActivity::class.java)
        screen.findViewById<TextView>(R.id.target).text = "+86 138 0013 8000"
        screen.findViewById<Button>(R.id.add_block).performClick()
        assertEquals(Action.BLOCK, engine.checkCall(TestEngines.call("+8613800138000")).action)
        val list = screen.findViewById<android.widget.ListView>(R.id.rules)
        assertEquals(1, list.adapter.count)
        list.performItemClick(null, 0, 0)
        assertTrue(engine.rules().isEmpty())
    }

    @Test
    fun `the history shows why, and reports stay on the phone until shared`() {
        val listed = TestEngines.csv("numbers.csv").first { it["action"] == "block" }.getValue("number")
        val decision = engine.screenCall(TestEngines.call(listed))
        val screen = resumed(HistoryActivity::class.java)
        val list = screen.findViewById<android.widget.ListView>(R.id.history)
        assertEquals(1, list.adapter.count)
        assertTrue(list.adapter.getItem(0).toString().contains(decision.label))
        engine.report(listed, decision.category!!, "")
        screen.findViewById<Button>(R.id.share_reports).performClick()
        val chooser = shadowOf(screen).nextStartedActivity
        assertEquals(android.content.Intent.ACTION_CHOOSER, chooser.action)
        @Suppress("DEPRECATION")
        val send = chooser.getParcelableExtra<android.content.Intent>(android.content.Intent.EXTRA_INTENT)!!
        assertEquals(String(engine.exportReports(), Charsets.UTF_8), send.getStringExtra(android.content.Intent.EXTRA_TEXT))
    }
}
