"""The default sensitive-word lexicon shipped with the studio.

Written for this project, deliberately small and mild: it shows the categories
and levels and catches the commonest abuse, advertising and clearly illegal
offers in 问政 messages. Operators extend it in the studio. Format: see
:mod:`moderation.lexicon` (``term<TAB>category<TAB>level``).
"""

DEFAULT_LEXICON = """\
# abuse: insults aimed at people
傻逼\tabuse\tblock
傻b\tabuse\tblock
煞笔\tabuse\tblock
他妈的\tabuse\tblock
王八蛋\tabuse\tblock
狗官\tabuse\tblock
去死吧\tabuse\tblock
脑残\tabuse\treview
白痴\tabuse\treview
蠢货\tabuse\treview
滚蛋\tabuse\treview
混蛋\tabuse\treview
人渣\tabuse\treview
畜生\tabuse\treview

# ads: advertising and paid services
代开发票\tads\tblock
刷单返利\tads\tblock
兼职日结\tads\treview
日赚千元\tads\treview
免费领取\tads\treview
低价出售\tads\treview
贷款秒批\tads\treview
无抵押贷款\tads\treview
招代理\tads\treview
扫码领\tads\treview
点击链接\tads\treview
代办证件\tads\treview

# illegal: offers of clearly illegal goods or services
办假证\tillegal\tblock
代考\tillegal\tblock
替考\tillegal\tblock
出售枪支\tillegal\tblock
买卖枪支\tillegal\tblock
冰毒\tillegal\tblock
迷药\tillegal\tblock
赌博网站\tillegal\tblock
网络赌场\tillegal\tblock
裸聊\tillegal\tblock
私彩\tillegal\treview
六合彩\tillegal\treview
信用卡套现\tillegal\treview
代孕\tillegal\treview

# rumour: chain-message phrasing typical of rumours
不转不是中国人\trumour\tblock
紧急扩散\trumour\treview
转发扩散\trumour\treview
速看马上删\trumour\treview
内部消息\trumour\treview
"""
