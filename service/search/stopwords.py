"""Hebrew function and question words: left out of a query's required words.

A question ("איזו חברה מאפשרת להשתמש ב-Drag and Drop?") has words that carry no topic; requiring
them would drop the passage that answers it. They are ignored unless the query has nothing else.
"""

_WORDS = """
    של את על עם אל מן מ אצל לפי בין אחרי לפני תוך בתוך כדי בגלל למרות נגד מול ליד בלי ללא עד
    מה מי איזה איזו אילו אלו כמה איך כיצד מתי למה מדוע האם היכן איפה לאן מאיפה מאין מהו מהי מהם מהן
    מיהו מיהי מיהם ממה במה למי ממי על ידי ע"י
    הוא היא הם הן אני אנחנו אתה את אתם אתן זה זו זאת אלה אלו אשר ש כי גם לא כן יש אין
    היה היתה הייתה היו יהיה תהיה יהיו להיות הינו הינה הנו הנה
    או אם רק עוד כל כך כן אז שם פה כאן כבר עכשיו מאוד יותר פחות הכי אחד אחת שני שתי
    ו ה ב ל כ ולא וגם אך אבל אלא או
    בו בה בהם בהן לו לה להם להן אותו אותה אותם אותן עליו עליה עליהם שלו שלה שלהם שלהן שבו שבה שבהם
    כאשר מתוך לגבי בנוגע אודות ישנו ישנה ישנם נקרא נקראת נקראים נקראו היתה הינם הינן באיזה באיזו
    לאיזה לאיזו מאיזה מאיזו לאילו באילו עבור בשביל איזהו איזוהי לכמה בכמה ממתי
    the a an of to in on for and or is are was were be by with what which who how when why where
"""
STOPWORDS = frozenset(_WORDS.split())

# A query that starts with one of these (or ends with "?") is a question, not a list of keywords.
_QUESTION_WORDS = """
    מה מי איזה איזו אילו כמה איך כיצד מתי למה מדוע האם היכן איפה לאן מאיפה מאין מהו מהי מהם מהן
    מיהו מיהי ממה במה למי ממי באיזה באיזו לאיזה לאיזו מאיזה מאיזו לכמה בכמה עד
"""
QUESTION_WORDS = frozenset(_QUESTION_WORDS.split())
