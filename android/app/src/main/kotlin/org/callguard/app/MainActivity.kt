package org.callguard.app

import android.app.Activity
import android.app.role.RoleManager
import android.os.Bundle
import android.widget.Button
import android.widget.TextView

/** The status screen: protected, or the one action that fixes it (the screening role). */
class MainActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_main)
        findViewById<Button>(R.id.request_role).setOnClickListener {
            val roles = getSystemService(RoleManager::class.java)
            startActivityForResult(roles.createRequestRoleIntent(RoleManager.ROLE_CALL_SCREENING), REQUEST_ROLE)
        }
    }

    override fun onResume() {
        super.onResume()
        val held = getSystemService(RoleManager::class.java)?.isRoleHeld(RoleManager.ROLE_CALL_SCREENING) == true
        findViewById<TextView>(R.id.status).setText(if (held) R.string.status_protected else R.string.status_role_missing)
        findViewById<Button>(R.id.request_role).visibility = if (held) android.view.View.GONE else android.view.View.VISIBLE
    }

    companion object {
        /** The request code of the role request. */
        const val REQUEST_ROLE = 1
    }
}
