package org.callguard.app

import android.Manifest
import android.app.Activity
import android.app.role.RoleManager
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Build
import android.os.Bundle
import android.view.View
import android.widget.Button
import android.widget.TextView
import org.callguard.Status
import org.callguard.app.engine.Background
import org.callguard.app.engine.EngineHolder
import org.callguard.app.logic.StatusKind
import org.callguard.app.ui.HistoryActivity
import org.callguard.app.ui.RulesActivity
import org.callguard.app.ui.SettingsActivity
import org.callguard.app.ui.offMain
import org.callguard.app.update.UpdateJobService
import org.callguard.app.update.UpdateScheduler
import java.text.DateFormat
import java.util.Date

/** The status screen: protected, paused, role missing or list stale, with the one action
 *  that fixes it; the list's version and freshness; the way to the other screens. */
class MainActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_main)
        UpdateScheduler.schedulePeriodic(this)
        findViewById<Button>(R.id.open_settings).setOnClickListener { startActivity(Intent(this, SettingsActivity::class.java)) }
        findViewById<Button>(R.id.open_rules).setOnClickListener { startActivity(Intent(this, RulesActivity::class.java)) }
        findViewById<Button>(R.id.open_history).setOnClickListener { startActivity(Intent(this, HistoryActivity::class.java)) }
        findViewById<Button>(R.id.allow_notifications).setOnClickListener {
            requestPermissions(arrayOf(Manifest.permission.POST_NOTIFICATIONS), REQUEST_NOTIFICATIONS)
        }
    }

    override fun onResume() {
        super.onResume()
        show()
    }

    override fun onRequestPermissionsResult(requestCode: Int, permissions: Array<out String>, grantResults: IntArray) {
        show()
    }

    /** Shows the status, read off the main thread (opening the engine and checking the
     *  list take time); its button does the one thing that fixes it. */
    fun show() {
        val held = getSystemService(RoleManager::class.java)?.isRoleHeld(RoleManager.ROLE_CALL_SCREENING) == true
        offMain({ EngineHolder.orNull(this)?.let { runCatching { it.status() }.getOrNull() } }) { status ->
            render(held, status)
        }
    }

    private fun render(held: Boolean, status: Status?) {
        val kind = StatusKind.of(held, status?.paused == true, status?.update?.stale == true)
        findViewById<TextView>(R.id.status).setText(
            when (kind) {
                StatusKind.ROLE_MISSING -> R.string.status_role_missing
                StatusKind.PAUSED -> R.string.status_paused
                StatusKind.LIST_STALE -> R.string.status_stale
                StatusKind.PROTECTED -> R.string.status_protected
            },
        )
        val fix = findViewById<Button>(R.id.fix)
        fix.visibility = if (kind == StatusKind.PROTECTED) View.GONE else View.VISIBLE
        when (kind) {
            StatusKind.ROLE_MISSING -> fix.setText(R.string.action_request_role)
            StatusKind.PAUSED -> fix.setText(R.string.action_resume)
            StatusKind.LIST_STALE -> fix.setText(R.string.action_update_now)
            StatusKind.PROTECTED -> Unit
        }
        fix.setOnClickListener { fix(kind) }
        val list = status?.update?.installed
        findViewById<TextView>(R.id.list_version).text = when {
            list == null -> ""
            status.update.lastSuccessAt == null -> getString(R.string.list_never_updated, list.seq.toString())
            else -> getString(
                R.string.list_version,
                list.seq.toString(),
                DateFormat.getDateTimeInstance().format(Date(status.update.lastSuccessAt!!.toLong() * 1000)),
            )
        }
        val askNotifications = Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU &&
            checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) != PackageManager.PERMISSION_GRANTED
        val visibility = if (askNotifications) View.VISIBLE else View.GONE
        findViewById<View>(R.id.notifications_why).visibility = visibility
        findViewById<View>(R.id.allow_notifications).visibility = visibility
    }

    private fun fix(kind: StatusKind) {
        when (kind) {
            StatusKind.ROLE_MISSING -> {
                val roles = getSystemService(RoleManager::class.java) ?: return
                startActivityForResult(roles.createRequestRoleIntent(RoleManager.ROLE_CALL_SCREENING), REQUEST_ROLE)
            }
            StatusKind.PAUSED -> offMain({ runCatching { EngineHolder.get(this).resume() } }) { show() }
            StatusKind.LIST_STALE -> Background.worker.execute {
                UpdateJobService.run(applicationContext)
                runOnUiThread { show() }
            }
            StatusKind.PROTECTED -> Unit
        }
    }

    companion object {
        /** The request code of the role request. */
        const val REQUEST_ROLE = 1

        /** The request code of the notification permission (API 33+). */
        const val REQUEST_NOTIFICATIONS = 2
    }
}
