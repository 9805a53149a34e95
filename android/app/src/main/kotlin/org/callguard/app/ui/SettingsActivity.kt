package org.callguard.app.ui

import android.Manifest
import android.content.pm.PackageManager
import android.view.View
import android.widget.AdapterView
import android.widget.Button
import android.widget.EditText
import android.widget.Spinner
import android.widget.Switch
import android.widget.Toast
import org.callguard.Action
import org.callguard.Settings
import org.callguard.app.R
import org.callguard.app.logic.PauseChoice
import org.callguard.app.settings.AppPrefs
import java.time.Instant
import java.time.ZoneId

/** The settings screen: the engine's settings (it checks and keeps them), the app's own
 *  choices about blocked calls, the features that need a permission (asked for when the
 *  user switches them on, with a sentence why), and pause. */
class SettingsActivity : EngineActivity(R.layout.activity_settings) {

    override fun onEngine() {
        val settings = engine.settings()
        bindAction(R.id.overseas_calls, settings.overseasCalls) { s, a -> s.copy(overseasCalls = a) }
        bindAction(R.id.overseas_sms, settings.overseasSms) { s, a -> s.copy(overseasSms = a) }
        bindAction(R.id.hidden_numbers, settings.hiddenNumbers) { s, a -> s.copy(hiddenNumbers = a) }
        bindAction(R.id.verification_failed, settings.verificationFailed) { s, a -> s.copy(verificationFailed = a) }

        val countries = findViewById<EditText>(R.id.allowed_countries)
        countries.setText(settings.allowedCountries.joinToString(", "))
        findViewById<Button>(R.id.save_countries).setOnClickListener {
            val codes = countries.text.split(',', ' ').map { it.trim() }.filter { it.isNotEmpty() }
            change { it.copy(allowedCountries = codes) }?.let { countries.setText(it.allowedCountries.joinToString(", ")) }
        }

        val repeated = findViewById<Spinner>(R.id.repeated_calls)
        repeated.setSelection(Actions.REPEATED_CALL_MINUTES.indexOf(settings.repeatedCallsMinutes).coerceAtLeast(0))
        repeated.onItemSelectedListener = onSelected { position ->
            val minutes = Actions.REPEATED_CALL_MINUTES[position]
            if (engine.settings().repeatedCallsMinutes != minutes) change { it.copy(repeatedCallsMinutes = minutes) }
        }

        bindPermission(R.id.contacts, Manifest.permission.READ_CONTACTS, REQUEST_CONTACTS)
        bindPermission(R.id.sms, Manifest.permission.RECEIVE_SMS, REQUEST_SMS)

        val prefs = AppPrefs(this)
        findViewById<Switch>(R.id.skip_notification).apply {
            isChecked = prefs.blockPrefs.skipNotification
            setOnCheckedChangeListener { _, on -> prefs.blockPrefs = prefs.blockPrefs.copy(skipNotification = on) }
        }
        findViewById<Switch>(R.id.skip_call_log).apply {
            isChecked = prefs.blockPrefs.skipCallLog
            setOnCheckedChangeListener { _, on -> prefs.blockPrefs = prefs.blockPrefs.copy(skipCallLog = on) }
        }

        mapOf(
            R.id.pause_one_hour to PauseChoice.ONE_HOUR,
            R.id.pause_until_tomorrow to PauseChoice.UNTIL_TOMORROW,
            R.id.pause_until_resumed to PauseChoice.UNTIL_RESUMED,
        ).forEach { (id, choice) ->
            findViewById<Button>(id).setOnClickListener {
                runCatching { engine.pause(choice.untilUnixSeconds(Instant.now(), ZoneId.systemDefault())?.toULong()) }
                showPause()
            }
        }
        findViewById<Button>(R.id.resume).setOnClickListener {
            runCatching { engine.resume() }
            showPause()
        }
        showPause()
    }

    override fun onRequestPermissionsResult(requestCode: Int, permissions: Array<out String>, grantResults: IntArray) {
        val id = if (requestCode == REQUEST_CONTACTS) R.id.contacts else R.id.sms
        findViewById<Switch>(id).isChecked = grantResults.firstOrNull() == PackageManager.PERMISSION_GRANTED
    }

    private fun showPause() {
        offMain({ runCatching { engine.status().paused }.getOrDefault(false) }) { paused ->
            findViewById<View>(R.id.resume).visibility = if (paused) View.VISIBLE else View.GONE
        }
    }

    /** Stores a change through the engine, which checks it; returns the settings in effect. */
    private fun change(edit: (Settings) -> Settings): Settings? = try {
        engine.updateSettings(edit(engine.settings()))
    } catch (e: Exception) {
        Toast.makeText(this, e.message.orEmpty(), Toast.LENGTH_LONG).show()
        null
    }

    private fun bindAction(id: Int, current: Action, edit: (Settings, Action) -> Settings) {
        val spinner = findViewById<Spinner>(id)
        spinner.setSelection(Actions.position(current))
        spinner.onItemSelectedListener = onSelected { position ->
            val action = Actions.at(position)
            val settings = engine.settings()
            if (edit(settings, action) != settings) change { edit(it, action) }
        }
    }

    /** A switch that is on while the permission is granted; switching it on asks for it
     *  (the sentence below the switch says why). Switching it off cannot revoke a
     *  permission: the system's app settings do that. */
    private fun bindPermission(id: Int, permission: String, requestCode: Int) {
        val switch = findViewById<Switch>(id)
        switch.isChecked = checkSelfPermission(permission) == PackageManager.PERMISSION_GRANTED
        switch.setOnCheckedChangeListener { _, on ->
            if (on && checkSelfPermission(permission) != PackageManager.PERMISSION_GRANTED) {
                requestPermissions(arrayOf(permission), requestCode)
            }
        }
    }

    private fun onSelected(selected: (Int) -> Unit) = object : AdapterView.OnItemSelectedListener {
        override fun onItemSelected(parent: AdapterView<*>?, view: View?, position: Int, id: Long) = selected(position)
        override fun onNothingSelected(parent: AdapterView<*>?) = Unit
    }

    companion object {
        /** The request code for READ_CONTACTS. */
        const val REQUEST_CONTACTS = 11

        /** The request code for RECEIVE_SMS. */
        const val REQUEST_SMS = 12
    }
}
