package org.callguard.app.logic

import org.callguard.Category
import org.callguard.app.TestEngines
import org.callguard.app.TestEngines.call
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config

/** Notification text: the engine's label, the category's name and the deciding reason. */
// The Android bindings read android.os.Build (their cleaner): the framework comes from
// Robolectric, the engine is the real host library.
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [29, 30, 34])
class NotificationTextTest {
    private val texts = object : Texts {
        override fun title(notice: Notice) = notice.name
        override fun category(category: Category?) = "category=" + (category?.name ?: "none")
        override fun body(label: String, category: String, reason: String) = "$label|$category|$reason"
    }

    @Test
    fun `a spoofed police number is explained by its label, category and reason`() {
        TestEngines.demo().use { engine ->
            val decision = engine.checkCall(call("+852 12110"))
            val text = NotificationText.forCall(decision, Notice.BLOCKED_SUMMARY, texts)
            assertEquals("BLOCKED_SUMMARY", text.title)
            val (label, category, reason) = text.body.split("|")
            assertEquals(decision.label, label)
            assertTrue(label.isNotBlank())
            assertEquals("category=OFFICIAL_IMPERSONATION", category)
            assertEquals(decision.reasons[0].detail, reason)
            assertFalse("never the number", text.body.contains("85212110"))
        }
    }
}
